import { ArrayMaxSize, IsArray, IsString, IsUUID, Length, Matches } from 'class-validator';
import { IsOptionalField, IsRfc3339DateTime } from '../validation/contract-validators';
import { FieldLimits } from './event-values';

// HMAC blind index as stored beside encrypted contact data: hex or base64url, never the contact itself.
const blindIndex = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * `patient.erasure.requested` v1: erase one patient's personal data everywhere. It names the
 * patient only by identifiers that are not personal data themselves (the clinic's id, blind
 * indexes of their contacts, their sessions), so the event can be kept for replay.
 */
export class PatientErasureRequestedV1 {
  @IsUUID('all')
  erasureRequestId!: string;

  @IsUUID('all')
  orgId!: string;

  @IsOptionalField()
  @IsString()
  @Length(1, FieldLimits.externalId)
  patientExternalId?: string;

  /** Blind indexes (HMAC) of the patient's email and phone, to find deliveries by contact. */
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(blindIndex, {
    each: true,
    message: 'each value in contactBlindIndexes must be a hex or base64url HMAC',
  })
  contactBlindIndexes!: string[];

  /** Every session of the patient known to feedback-service, to erase deliveries by session. */
  @IsArray()
  @ArrayMaxSize(10_000)
  @IsUUID('all', { each: true })
  sessionIds!: string[];

  /** The staff identity who asked. */
  @IsUUID('all')
  requestedBy!: string;

  @IsRfc3339DateTime()
  requestedAt!: string;
}
