import type { AuthenticatedCaller } from '@careloop/security';
import { CurrentIdentity, WithoutOrganization } from '@careloop/security';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { requireUser } from '../common/current-user';
import { MfaCodeDto } from './dto/mfa-code.dto';
import { RecoveryCodesResponse, TotpEnrolmentResponse } from './dto/mfa.responses';
import { MfaService } from './mfa.service';

@ApiTags('mfa')
@ApiBearerAuth()
@WithoutOrganization()
@Controller('api/auth/mfa/totp')
export class MfaController {
  constructor(private readonly mfa: MfaService) {}

  @Post('enrol')
  @HttpCode(200)
  @ApiOperation({ summary: 'Start TOTP enrolment: a secret to add to an authenticator app' })
  @ApiResponse({ status: 200, type: TotpEnrolmentResponse })
  @ApiResponse({ status: 409, description: 'TOTP is already active' })
  enrol(@CurrentIdentity() caller: AuthenticatedCaller): Promise<TotpEnrolmentResponse> {
    return this.mfa.enrol(requireUser(caller));
  }

  @Post('activate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Prove the app holds the secret; turns TOTP on and answers recovery codes',
  })
  @ApiResponse({ status: 200, type: RecoveryCodesResponse })
  @ApiResponse({ status: 422, description: 'Wrong code, or no enrolment started' })
  activate(
    @CurrentIdentity() caller: AuthenticatedCaller,
    @Body() body: MfaCodeDto,
  ): Promise<RecoveryCodesResponse> {
    return this.mfa.activate(requireUser(caller), body.code);
  }

  @Post('disable')
  @HttpCode(204)
  @ApiOperation({ summary: 'Turn TOTP off (with a current code); recovery codes are deleted' })
  @ApiResponse({ status: 204 })
  @ApiResponse({ status: 422, description: 'Wrong code, TOTP not active, or required by an org' })
  disable(@CurrentIdentity() caller: AuthenticatedCaller, @Body() body: MfaCodeDto): Promise<void> {
    return this.mfa.disable(requireUser(caller), body.code);
  }
}
