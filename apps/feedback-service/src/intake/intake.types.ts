import type { AppointmentCompletedV1, FieldError } from '@careloop/contracts';

/** The three bodies the intake reads; recorded with each intake row. */
export type IntakeFormat = 'native' | 'fhir' | 'hl7v2';

/**
 * Why an item was refused, stable for machines (the message is for people). The first eight are
 * the corpus's kinds (`../shared/corpus/intake/README.md`); the rest name ordinary field problems.
 */
export type IntakeRejectionReason =
  | 'status-not-finished'
  | 'no-patient'
  | 'no-encounter'
  | 'not-fhir-r4'
  | 'not-adt-a03'
  | 'no-visit-id'
  | 'missing-pv1'
  | 'malformed'
  | 'missing-field'
  | 'invalid-field'
  | 'org-mismatch';

export interface IntakeFieldError extends FieldError {
  reason: IntakeRejectionReason;
}

/** Something the intake dropped or assumed while accepting an item (e.g. a phone without country code). */
export type IntakeWarning = FieldError;

export interface MappingContext {
  /** The caller's organization, from the access token; never from the body. */
  orgId: string;
  /** IANA zone named by the caller (`?timezone=`), else the org's: local times without offset are read in it. */
  timezone?: string;
  /** The org's `phoneRegion` (ISO 3166-1 alpha-2): national phone numbers are read in it. */
  phoneRegion?: string;
}

export type MappedItem =
  | {
      ok: true;
      /** Position in the body: array index, Bundle entry index, or HL7 message number (0-based). */
      index: number;
      appointment: AppointmentCompletedV1;
      warnings: IntakeWarning[];
    }
  | {
      ok: false;
      index: number;
      /** The item's appointment id when it could be read, to help the caller find it. */
      externalId?: string;
      errors: IntakeFieldError[];
    };

/**
 * A whole body, mapped: its items, or (`unreadable`) why nothing in it could be read at all, which
 * is the only case answered 400 without a per-item list.
 */
export type MappedBody =
  { readable: true; items: MappedItem[] } | { readable: false; errors: IntakeFieldError[] };

/** Most items one body may carry, whatever the format (DESIGN.md §3: batches of up to 1,000). */
export const MAX_ITEMS_PER_BODY = 1_000;

export function fieldError(
  field: string,
  reason: IntakeRejectionReason,
  message: string,
): IntakeFieldError {
  return { field, reason, message };
}
