import { MessagingTables1732360000000, OutboxNotification1732500000000 } from '@careloop/messaging';
import { IdentitiesAndSessions1732370000001 } from './1732370000001-identities-and-sessions';
import { OauthClients1732370000002 } from './1732370000002-oauth-clients';

/** Applied in order at start; never edited once released. */
export const migrations = [
  MessagingTables1732360000000,
  IdentitiesAndSessions1732370000001,
  OauthClients1732370000002,
  OutboxNotification1732500000000,
];
