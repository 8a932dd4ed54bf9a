import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsIP,
  IsString,
  IsUUID,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import {
  IsOptionalField,
  IsPlainRecord,
  IsRfc3339DateTime,
} from '../validation/contract-validators';
import type { AuditActorType, AuditOutcome } from './event-values';
import { AUDIT_ACTOR_TYPES, AUDIT_OUTCOMES, FieldLimits } from './event-values';

export class AuditTargetV1 {
  /** The kind of thing acted on, e.g. session, survey, membership. */
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { message: 'type must be a lower_snake_case name' })
  type!: string;

  @IsString()
  @Length(1, FieldLimits.externalId)
  id!: string;
}

/**
 * `audit.logged` v1: one entry of an organization's audit trail, kept by user-org-service.
 * Every service reports the sensitive actions it performs (link re-issue, erasure, role change...).
 */
export class AuditLoggedV1 {
  @IsUUID('all')
  auditId!: string;

  @IsUUID('all')
  orgId!: string;

  /** Identity id for a user, client id for an integration, session id for a patient, service name for the system. */
  @IsString()
  @Length(1, FieldLimits.externalId)
  actorId!: string;

  @IsIn(AUDIT_ACTOR_TYPES)
  actorType!: AuditActorType;

  /** Dotted verb phrase, e.g. session.link.reissued, membership.role.changed. */
  @Matches(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, {
    message: 'action must be a dotted lower-case name, e.g. session.link.reissued',
  })
  @Length(3, FieldLimits.label)
  action!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => AuditTargetV1)
  target!: AuditTargetV1;

  @IsIn(AUDIT_OUTCOMES)
  outcome!: AuditOutcome;

  @IsOptionalField()
  @IsIP()
  sourceIp?: string;

  @IsOptionalField()
  @IsString()
  @Length(1, FieldLimits.label)
  correlationId?: string;

  /** Small details of the action; never secrets or patient contact data. */
  @IsOptionalField()
  @IsPlainRecord({ maxKeys: 50, maxKeyLength: 64 })
  metadata?: Record<string, unknown>;

  @IsRfc3339DateTime()
  occurredAt!: string;
}
