import type { CursorPage } from '@careloop/contracts';
import type { Principal } from '@careloop/security';
import { CurrentPrincipal, OrgRole, Public, Roles } from '@careloop/security';
import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  UseFilters,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ClientTokenResponse,
  CreatedOauthClientResponse,
  CreateOauthClientDto,
  ListOauthClientsQuery,
  OauthClientPageResponse,
} from './dto/oauth-client.dtos';
import type { OauthClientResponse } from './dto/oauth-client.dtos';
import { OauthErrorFilter } from './oauth-error.filter';
import { OauthClientsService } from './oauth-clients.service';
import { readClientCredentialsRequest } from './token-request';

@ApiTags('oauth')
@Controller('api/auth/oauth')
export class OauthClientsController {
  constructor(private readonly clients: OauthClientsService) {}

  /** The body is read by hand (form or JSON, RFC 6749 field names), so it has no DTO class. */
  @Public()
  @Post('token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @UseFilters(OauthErrorFilter)
  @ApiOperation({ summary: 'Client credentials grant (RFC 6749 §4.4): form-urlencoded or JSON' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['grant_type'],
      properties: {
        grant_type: { type: 'string', enum: ['client_credentials'] },
        client_id: { type: 'string' },
        client_secret: { type: 'string' },
        scope: { type: 'string', example: 'appointments:write' },
      },
    },
  })
  @ApiResponse({ status: 200, type: ClientTokenResponse })
  @ApiResponse({ status: 400, description: '{error, error_description} (RFC 6749 §5.2)' })
  @ApiResponse({ status: 401, description: 'invalid_client' })
  token(
    @Body() body: unknown,
    @Headers('authorization') authorization: string | undefined,
  ): Promise<ClientTokenResponse> {
    return this.clients.issueToken(readClientCredentialsRequest(body ?? {}, authorization));
  }

  @Post('clients')
  @HttpCode(201)
  @Roles(OrgRole.OrgAdmin)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Register an integration; the secret is shown in this answer only' })
  @ApiResponse({ status: 201, type: CreatedOauthClientResponse })
  create(
    @CurrentPrincipal() caller: Principal,
    @Body() body: CreateOauthClientDto,
  ): Promise<CreatedOauthClientResponse> {
    return this.clients.create(administrator(caller), body);
  }

  @Get('clients')
  @Roles(OrgRole.OrgAdmin)
  @ApiBearerAuth()
  @ApiOperation({ summary: "The organization's active integration clients" })
  @ApiResponse({ status: 200, type: OauthClientPageResponse })
  list(
    @CurrentPrincipal() caller: Principal,
    @Query() query: ListOauthClientsQuery,
  ): Promise<CursorPage<OauthClientResponse>> {
    return this.clients.list(administrator(caller), query);
  }

  @Delete('clients/:clientId')
  @HttpCode(204)
  @Roles(OrgRole.OrgAdmin)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Revoke a client: its token requests fail from now on' })
  @ApiResponse({ status: 204 })
  @ApiResponse({ status: 404, description: 'No active client with this id in the organization' })
  revoke(
    @CurrentPrincipal() caller: Principal,
    @Param('clientId') clientId: string,
  ): Promise<void> {
    return this.clients.revoke(administrator(caller), clientId);
  }
}

function administrator(caller: Principal): { orgId: string; userId?: string } {
  return caller.userId ? { orgId: caller.orgId, userId: caller.userId } : { orgId: caller.orgId };
}
