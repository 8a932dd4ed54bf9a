import { MessagingTables1732360000000, OutboxNotification1732500000000 } from '@careloop/messaging';
import { OrganizationsAndIdentities1732380000001 } from './1732380000001-organizations-and-identities';
import { OrgStructure1732380000002 } from './1732380000002-org-structure';
import { Invitations1732380000003 } from './1732380000003-invitations';
import { AuditEntries1732380000004 } from './1732380000004-audit-entries';

/** Applied in order at start; never edited once released. */
export const migrations = [
  MessagingTables1732360000000,
  OrganizationsAndIdentities1732380000001,
  OrgStructure1732380000002,
  Invitations1732380000003,
  AuditEntries1732380000004,
  OutboxNotification1732500000000,
];
