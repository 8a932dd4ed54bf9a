import { MessagingTables1732360000000, OutboxNotification1732500000000 } from '@careloop/messaging';
import { PatientErasure1732399000001 } from './1732399000001-patient-erasure';

/** Applied in order at start; never edited once released. */
export const migrations = [
  MessagingTables1732360000000,
  PatientErasure1732399000001,
  OutboxNotification1732500000000,
];
