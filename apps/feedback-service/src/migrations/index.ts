import { MessagingTables1732360000000, OutboxNotification1732500000000 } from '@careloop/messaging';
import { AppointmentIntake1732395000001 } from './1732395000001-appointment-intake';
import { SessionsAndRespondent1732395100000 } from './1732395100000-sessions-and-respondent';
import { AlertRules1732395200000 } from './1732395200000-alert-rules';
import { PatientErasure1732395300000 } from './1732395300000-patient-erasure';
import { SessionExpiry1732395400000 } from './1732395400000-session-expiry';

/** Applied in order at start; never edited once released. */
export const migrations = [
  MessagingTables1732360000000,
  AppointmentIntake1732395000001,
  SessionsAndRespondent1732395100000,
  AlertRules1732395200000,
  PatientErasure1732395300000,
  OutboxNotification1732500000000,
  SessionExpiry1732395400000,
];
