import { MessagingTables1732360000000, OutboxNotification1732500000000 } from '@careloop/messaging';
import { Surveys1732390000001 } from './1732390000001-surveys';

/** Applied in order at start; never edited once released. */
export const migrations = [
  MessagingTables1732360000000,
  Surveys1732390000001,
  OutboxNotification1732500000000,
];
