import { MessagingTables1732360000000, OutboxNotification1732500000000 } from '@careloop/messaging';
import { EventActivity1732360000001 } from './1732360000001-event-activity';
import { PatientErasure1732399000002 } from './1732399000002-patient-erasure';

/** Applied in order at start; never edited once released. */
export const migrations = [
  MessagingTables1732360000000,
  EventActivity1732360000001,
  PatientErasure1732399000002,
  OutboxNotification1732500000000,
];
