import { IsIn, IsInt, IsUUID, Matches, Min } from 'class-validator';
import { IsRfc3339DateTime } from '../validation/contract-validators';

/** Where a service stands with one erasure request; only `done` is reported so far. */
export const ERASURE_PROGRESS_STATUSES = ['done'] as const;
export type ErasureProgressStatus = (typeof ERASURE_PROGRESS_STATUSES)[number];

/**
 * `patient.erasure.progressed` v1: one service has erased (deleted or anonymised) what it held of
 * the patient named by a `patient.erasure.requested`. feedback-service, which owns the request,
 * collects one per service and shows the request done once every service has reported.
 */
export class PatientErasureProgressedV1 {
  @IsUUID('all')
  erasureRequestId!: string;

  @IsUUID('all')
  orgId!: string;

  /** The reporting service, e.g. `notification-service`. */
  @Matches(/^[a-z][a-z0-9-]{1,63}$/, { message: 'service must be a kebab-case service name' })
  service!: string;

  @IsIn(ERASURE_PROGRESS_STATUSES)
  status!: ErasureProgressStatus;

  /** How many records the service deleted or anonymised (0 when it held nothing of the patient). */
  @IsInt()
  @Min(0)
  erasedRecords!: number;

  @IsRfc3339DateTime()
  reportedAt!: string;
}
