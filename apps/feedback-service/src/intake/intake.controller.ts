import { isIanaTimeZone, PROBLEM_JSON_CONTENT_TYPE } from '@careloop/contracts';
import type { FieldError, ProblemDetails } from '@careloop/contracts';
import type { Principal } from '@careloop/security';
import {
  CurrentPrincipal,
  IntegrationScope,
  OrgRole,
  RequireScopes,
  Roles,
} from '@careloop/security';
import { Body, Controller, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IntakeResponse } from './dto/intake.response';
import { mapFhirBody } from './fhir-encounter.mapper';
import { buildAcknowledgements, HL7_V2_MEDIA_TYPE } from './hl7v2-ack';
import { mapHl7v2Body } from './hl7v2-adt.mapper';
import type { IntakeResult } from './intake.service';
import { IntakeService } from './intake.service';
import type { IntakeFieldError, IntakeFormat, MappedBody, MappingContext } from './intake.types';
import { fieldError } from './intake.types';
import { mapNativeBody } from './native-appointment.mapper';

const timezoneQuery = {
  name: 'timezone',
  required: false,
  description:
    "IANA zone of the sending system (e.g. Europe/Paris): times without UTC offset are read in it, and the events carry it. Defaults to the organization's timezone (its settings).",
};

function correlationIdOf(request: FastifyRequest): string {
  const header = request.headers['x-correlation-id'];
  return (Array.isArray(header) ? header[0] : header) ?? String(request.id);
}

/**
 * Clinic systems report completed appointments here: native JSON, FHIR R4, HL7 v2. Integration
 * clients need the `appointments:write` scope; org admins may post too. The organization is the
 * token's, never the body's. 202 with per-item outcomes when anything was accepted; 400
 * (problem+json, with the same per-item list) when nothing in the body could be accepted.
 */
@ApiTags('intake')
@ApiBearerAuth()
@Roles(OrgRole.OrgAdmin)
@RequireScopes(IntegrationScope.AppointmentsWrite)
@Controller('api/intake')
export class IntakeController {
  constructor(private readonly intake: IntakeService) {}

  @Post('appointments')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Completed appointments as native JSON: one object or an array of up to 1,000',
    description:
      'Each item is the appointment.completed payload without orgId (the token names the organization). An appointment already received (same externalAppointmentId) is accepted with duplicate: true and produces no event.',
  })
  @ApiBody({
    schema: { oneOf: [{ type: 'object' }, { type: 'array', items: { type: 'object' } }] },
  })
  @ApiQuery(timezoneQuery)
  @ApiResponse({ status: 202, type: IntakeResponse })
  @ApiResponse({ status: 400, description: 'Nothing in the body could be accepted (problem+json)' })
  @ApiResponse({ status: 401, description: 'No valid access token' })
  @ApiResponse({ status: 403, description: 'Neither the appointments:write scope nor org_admin' })
  appointments(
    @CurrentPrincipal() caller: Principal,
    @Body() body: unknown,
    @Query('timezone') timezone: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IntakeResponse | ProblemDetails> {
    return this.handle('native', caller, timezone, request, reply, (context) =>
      mapNativeBody(body, context),
    );
  }

  @Post('fhir')
  @HttpCode(202)
  @ApiOperation({
    summary: 'A FHIR R4 Encounter (status finished, Patient contained) or a Bundle of them',
    description:
      'Bundle of any type; the Patient is resolved from Encounter.subject (contained #id, or a Bundle entry by fullUrl or Type/id). Item index = Bundle entry index.',
  })
  @ApiConsumes('application/fhir+json', 'application/json')
  @ApiBody({ schema: { type: 'object' } })
  @ApiQuery(timezoneQuery)
  @ApiResponse({ status: 202, type: IntakeResponse })
  @ApiResponse({ status: 400, description: 'Nothing in the body could be accepted (problem+json)' })
  @ApiResponse({ status: 401, description: 'No valid access token' })
  @ApiResponse({ status: 403, description: 'Neither the appointments:write scope nor org_admin' })
  fhir(
    @CurrentPrincipal() caller: Principal,
    @Body() body: unknown,
    @Query('timezone') timezone: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IntakeResponse | ProblemDetails> {
    return this.handle('fhir', caller, timezone, request, reply, (context) =>
      mapFhirBody(body, context),
    );
  }

  @Post('hl7v2')
  @HttpCode(202)
  @ApiOperation({
    summary: 'HL7 v2 ADT^A03 messages (ER7), one or several, optionally MLLP-framed or in BHS/BTS',
    description: `With Accept: ${HL7_V2_MEDIA_TYPE} the answer is 200 with one ACK per message (MSA AA accepted or duplicate, AE content error, AR not ADT^A03 or unreadable) instead of JSON.`,
  })
  @ApiConsumes(HL7_V2_MEDIA_TYPE, 'text/plain')
  @ApiProduces('application/json', HL7_V2_MEDIA_TYPE)
  @ApiBody({ schema: { type: 'string' } })
  @ApiQuery(timezoneQuery)
  @ApiResponse({ status: 202, type: IntakeResponse })
  @ApiResponse({ status: 200, description: `ACK messages (Accept: ${HL7_V2_MEDIA_TYPE})` })
  @ApiResponse({ status: 400, description: 'Nothing in the body could be accepted (problem+json)' })
  @ApiResponse({ status: 401, description: 'No valid access token' })
  @ApiResponse({ status: 403, description: 'Neither the appointments:write scope nor org_admin' })
  async hl7v2(
    @CurrentPrincipal() caller: Principal,
    @Body() body: unknown,
    @Query('timezone') timezone: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IntakeResponse | ProblemDetails | string> {
    const wantsAck = (request.headers.accept ?? '').includes('hl7-v2');
    if (!wantsAck) {
      return this.handle('hl7v2', caller, timezone, request, reply, (context) =>
        mapHl7v2Body(body, context),
      );
    }
    const timezoneError = this.checkTimezone(timezone);
    if (timezoneError) return this.problem(request, reply, [timezoneError], 'intake.invalid-query');
    const mapped = mapHl7v2Body(body, await this.context(caller, timezone));
    const result = await this.intake.receive(caller, 'hl7v2', mapped);
    if (!mapped.readable || !result.readable) {
      return this.problem(
        request,
        reply,
        mapped.readable ? [] : mapped.errors,
        'intake.unreadable',
      );
    }
    // HL7 over HTTP: the transport succeeded; the ACKs say what became of each message.
    void reply.status(200).header('content-type', `${HL7_V2_MEDIA_TYPE}; charset=utf-8`);
    return buildAcknowledgements(mapped.items);
  }

  private context(caller: Principal, requested: string | undefined): Promise<MappingContext> {
    return this.intake.mappingContext(caller.orgId, requested);
  }

  private checkTimezone(timezone: string | undefined): IntakeFieldError | undefined {
    return timezone === undefined || isIanaTimeZone(timezone)
      ? undefined
      : fieldError(
          'timezone',
          'invalid-field',
          'timezone must be an IANA time zone, e.g. Europe/Paris',
        );
  }

  private async handle(
    format: IntakeFormat,
    caller: Principal,
    timezone: string | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
    map: (context: MappingContext) => MappedBody,
  ): Promise<IntakeResponse | ProblemDetails> {
    const timezoneError = this.checkTimezone(timezone);
    if (timezoneError) return this.problem(request, reply, [timezoneError], 'intake.invalid-query');
    const result: IntakeResult = await this.intake.receive(
      caller,
      format,
      map(await this.context(caller, timezone)),
    );
    if (!result.readable) return this.problem(request, reply, result.errors, 'intake.unreadable');
    if (result.response.accepted.length === 0) {
      const errors = result.response.rejected.flatMap((item) =>
        item.errors.map((error) => ({ ...error, index: item.index })),
      );
      return this.problem(request, reply, errors, 'intake.nothing-accepted', result.response);
    }
    return result.response;
  }

  /** problem+json written here (not thrown) because it carries the per-item lists as extensions. */
  private problem(
    request: FastifyRequest,
    reply: FastifyReply,
    errors: FieldError[],
    code: string,
    lists?: IntakeResponse,
  ): ProblemDetails {
    void reply.status(400).header('content-type', PROBLEM_JSON_CONTENT_TYPE);
    return {
      type: `about:blank#${code}`,
      title: 'Bad Request',
      status: 400,
      detail:
        code === 'intake.nothing-accepted'
          ? 'No appointment in the body could be accepted; see errors (each with its item index)'
          : code === 'intake.invalid-query'
            ? 'The query is invalid'
            : 'The body could not be read as appointments',
      errors,
      instance: request.url,
      correlationId: correlationIdOf(request),
      ...(lists ?? {}),
    };
  }
}
