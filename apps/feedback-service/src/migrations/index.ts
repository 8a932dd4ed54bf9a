import { MessagingTables1732360000000 } from '@careloop/messaging';
import { AppointmentIntake1732395000001 } from './1732395000001-appointment-intake';

/** Applied in order at start; never edited once released. */
export const migrations = [MessagingTables1732360000000, AppointmentIntake1732395000001];
