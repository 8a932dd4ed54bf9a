import { PageLimit } from '@careloop/runtime';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsOptional, IsString, Length, Matches } from 'class-validator';
import { IsCursor, isInstant, isUuid } from '../../common/cursor';

export class AuditQueryDto {
  @ApiPropertyOptional({ description: 'Identity id, client id, or service name' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  actorId?: string;

  @ApiPropertyOptional({ example: 'membership.role.changed' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, {
    message: 'action must be a dotted lower-case name, e.g. membership.role.changed',
  })
  action?: string;

  @ApiPropertyOptional({ description: 'Inclusive, RFC 3339' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'from must be a date-time, e.g. 2024-05-01T00:00:00Z' })
  from?: Date;

  @ApiPropertyOptional({ description: 'Exclusive, RFC 3339' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'to must be a date-time, e.g. 2024-06-01T00:00:00Z' })
  to?: Date;

  @PageLimit()
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsCursor(2, [isInstant, isUuid])
  cursor?: string;
}

class AuditTargetResponse {
  @ApiProperty()
  type!: string;

  @ApiProperty()
  id!: string;
}

export class AuditEntryResponse {
  @ApiProperty()
  auditId!: string;

  @ApiProperty()
  actorId!: string;

  @ApiProperty({ enum: ['user', 'integration', 'patient', 'system'] })
  actorType!: string;

  @ApiProperty()
  action!: string;

  @ApiProperty({ type: AuditTargetResponse })
  target!: { type: string; id: string };

  @ApiProperty({ enum: ['success', 'denied', 'failure'] })
  outcome!: string;

  @ApiProperty({ type: String, nullable: true })
  sourceIp!: string | null;

  @ApiProperty({ type: String, nullable: true })
  correlationId!: string | null;

  @ApiProperty({ type: Object, nullable: true })
  metadata!: Record<string, unknown> | null;

  @ApiProperty()
  occurredAt!: string;

  @ApiProperty({ description: 'The service that reported it (CloudEvents source)' })
  source!: string;
}

export class AuditPageResponse {
  @ApiProperty({ type: [AuditEntryResponse] })
  items!: AuditEntryResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
