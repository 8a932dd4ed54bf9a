import type { Principal } from '@careloop/security';
import { CurrentPrincipal, OrgRole, Roles } from '@careloop/security';
import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ErasureAccepted,
  ErasureParams,
  ErasureProgressResponse,
  ErasureRequestDto,
} from './dto/erasure.dto';
import { ErasureService } from './erasure.service';

/** Patient erasure (right to be forgotten): org admins ask, and follow it across services. */
@ApiTags('erasures')
@ApiBearerAuth()
@Roles(OrgRole.OrgAdmin)
@Controller('api/feedback/erasures')
export class ErasureController {
  constructor(private readonly erasure: ErasureService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: "Erase one patient's personal data in every service",
    description:
      'feedback-service erases its own data before answering; the other services report back through patient.erasure.progressed. Follow it with GET /api/feedback/erasures/{erasureId}.',
  })
  @ApiResponse({ status: 202, type: ErasureAccepted })
  @ApiResponse({ status: 400, description: 'patientExternalId missing or malformed' })
  request(
    @CurrentPrincipal() caller: Principal,
    @Body() body: ErasureRequestDto,
  ): Promise<ErasureAccepted> {
    return this.erasure.request(caller, body.patientExternalId.trim());
  }

  @Get(':erasureId')
  @ApiOperation({ summary: 'Progress of an erasure request, per service (pending/done)' })
  @ApiResponse({ status: 200, type: ErasureProgressResponse })
  @ApiResponse({ status: 404, description: 'No such erasure request in this organization' })
  get(
    @CurrentPrincipal() caller: Principal,
    @Param() params: ErasureParams,
  ): Promise<ErasureProgressResponse> {
    return this.erasure.get(caller, params.erasureId);
  }
}
