/**
 * The organization's audit trail, as every service writes it: `AuditTrail.record(manager, entry)`
 * inside the action's transaction appends an `audit.logged` event to the outbox.
 */
export * from './audit.trail';
export * from './audit.module';
