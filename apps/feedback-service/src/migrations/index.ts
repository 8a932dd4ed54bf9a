import { MessagingTables1732360000000 } from '@careloop/messaging';

/** Applied in order at start; never edited once released. */
export const migrations = [MessagingTables1732360000000];
