import { MessagingTables1732360000000 } from '@careloop/messaging';
import { OrganizationsAndIdentities1732380000001 } from './1732380000001-organizations-and-identities';
import { OrgStructure1732380000002 } from './1732380000002-org-structure';

/** Applied in order at start; never edited once released. */
export const migrations = [
  MessagingTables1732360000000,
  OrganizationsAndIdentities1732380000001,
  OrgStructure1732380000002,
];
