import type { AuthenticatedCaller } from '@careloop/security';
import {
  CurrentIdentity,
  PlatformRole,
  Public,
  Roles,
  WithoutOrganization,
} from '@careloop/security';
import { Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { JWK } from 'jose';
import { RotatedKeyResponse } from './dto/rotated-key.response';
import { SigningKeysService } from './signing-keys.service';

@ApiTags('signing keys')
@Controller('api/auth')
export class SigningKeysController {
  constructor(private readonly signingKeys: SigningKeysService) {}

  @Public()
  @Get('.well-known/jwks.json')
  // Short: verifiers refetch on an unknown kid anyway; this bounds how long a stale set lives.
  @Header('Cache-Control', 'public, max-age=60')
  @ApiOperation({ summary: 'Public keys that verify access tokens (RFC 7517)' })
  @ApiOkResponse({ description: 'The key set: the active key and retired keys still in use' })
  jwks(): Promise<{ keys: JWK[] }> {
    return this.signingKeys.jwks();
  }

  @Post('signing-keys/rotate')
  @HttpCode(201)
  @Roles(PlatformRole.PlatformAdmin)
  @WithoutOrganization()
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Make a new key sign; the old one stays published until its tokens expire',
  })
  @ApiResponse({ status: 201, type: RotatedKeyResponse })
  @ApiResponse({ status: 403, description: 'Not a platform admin' })
  rotate(@CurrentIdentity() caller: AuthenticatedCaller): Promise<RotatedKeyResponse> {
    return this.signingKeys.rotate(caller.userId, caller.orgId);
  }
}
