import { PageLimit } from '@careloop/runtime';
import { FieldLimits } from '@careloop/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Min } from 'class-validator';
import type { SessionStatus } from '../staff.repository';
import { SESSION_STATUSES } from '../staff.repository';
import { IsCursor, isBoundedText, isInstant, isUuid } from '../cursor';
import { TimeOrderedListQuery } from './staff-list.query';

const strictInstant = { strict: true, strictSeparator: true };

export class SessionParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  sessionId!: string;
}

export class SessionListQuery extends TimeOrderedListQuery {
  @ApiPropertyOptional({ enum: SESSION_STATUSES })
  @IsOptional()
  @IsIn(SESSION_STATUSES)
  status?: SessionStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  surveyId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Created at or after' })
  @IsOptional()
  @IsISO8601(strictInstant)
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Created before' })
  @IsOptional()
  @IsISO8601(strictInstant)
  to?: string;

  @ApiPropertyOptional({ description: "The clinic system's appointment id" })
  @IsOptional()
  @IsString()
  @Length(1, FieldLimits.externalId)
  externalAppointmentId?: string;
}

export class ResponseFilterQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  surveyId?: string;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  version?: number;

  @ApiPropertyOptional({ format: 'date-time', description: 'Submitted at or after' })
  @IsOptional()
  @IsISO8601(strictInstant)
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Submitted before' })
  @IsOptional()
  @IsISO8601(strictInstant)
  to?: string;
}

export class ResponseListQuery extends ResponseFilterQuery {
  @PageLimit()
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsCursor([isInstant, isUuid])
  cursor?: string;
}

/** The export is one version's answers: its questions are the columns. */
export class ResponseExportQuery {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  surveyId!: string;

  @ApiProperty({ minimum: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  version!: number;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601(strictInstant)
  from?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601(strictInstant)
  to?: string;
}

export class OptOutListQuery {
  @PageLimit()
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsCursor([isInstant, isBoundedText])
  cursor?: string;
}

export class SessionItem {
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty() externalAppointmentId!: string;
  @ApiProperty({ enum: SESSION_STATUSES }) status!: SessionStatus;
  @ApiPropertyOptional({ nullable: true, type: String }) skipReason!: string | null;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) surveyId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) surveyVersion!: number | null;
  @ApiPropertyOptional({ enum: ['email', 'sms'], nullable: true, type: String }) channel!:
    string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) language!: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) sendAt!:
    string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) expiresAt!:
    string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'type, department, site, provider, endedAt',
  })
  appointment!: Record<string, string | null>;
  @ApiProperty() optedOut!: boolean;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) responseId!: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) submittedAt!:
    string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class SessionContact {
  @ApiPropertyOptional({ nullable: true, type: String }) name!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) email!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) phone!: string | null;
}

export class SessionAlert {
  @ApiProperty({ format: 'uuid' }) alertId!: string;
  @ApiProperty({ format: 'uuid' }) ruleId!: string;
  @ApiProperty() severity!: string;
  @ApiProperty({ type: 'array', items: { type: 'object' } }) triggers!: unknown;
  @ApiProperty({ format: 'date-time' }) raisedAt!: string;
}

export class SessionDetail extends SessionItem {
  @ApiProperty({
    type: SessionContact,
    description: "The patient's contact (decrypted; the read is audited)",
  })
  contact!: SessionContact;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true })
  answers!: Record<string, unknown> | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) draftSavedAt!:
    string | null;
  @ApiProperty({ type: [SessionAlert] }) alerts!: SessionAlert[];
}

export class SessionPage {
  @ApiProperty({ type: [SessionItem] }) items!: SessionItem[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class ResponseItem {
  @ApiProperty({ format: 'uuid' }) responseId!: string;
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty({ format: 'uuid' }) surveyId!: string;
  @ApiProperty() surveyVersion!: number;
  @ApiProperty() language!: string;
  @ApiProperty({ format: 'date-time' }) submittedAt!: string;
  @ApiProperty() externalAppointmentId!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) site!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) provider!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) answers!: Record<string, unknown>;
}

export class ResponsePage {
  @ApiProperty({ type: [ResponseItem] }) items!: ResponseItem[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class OptOutItem {
  @ApiProperty({ enum: ['email', 'phone', 'patient'] }) contactKind!: string;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'Masked, e.g. j***@example.org; null for a patient id',
  })
  maskedContact!: string | null;
  @ApiProperty({ enum: ['respondent', 'staff'] }) source!: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) sessionId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class OptOutPage {
  @ApiProperty({ type: [OptOutItem] }) items!: OptOutItem[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class ReissuedLink {
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty({
    description: 'The new respondent link; every earlier link of the session stops working',
  })
  respondentUrl!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}
