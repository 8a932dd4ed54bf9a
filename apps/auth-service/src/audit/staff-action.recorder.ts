import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** One staff action of auth-service, in the shape of the platform's audit trail entries. */
export interface StaffAction {
  orgId: string;
  /** e.g. `oauth-client.created`, `signing-key.rotated`, `mfa.enrolled`, `login.succeeded` */
  action: string;
  target: { type: string; id: string };
  outcome?: 'success' | 'denied' | 'failure';
  metadata?: Record<string, unknown>;
  actor?: { id: string; type: 'user' | 'client' | 'system' };
}

/**
 * The one place auth-service records staff actions, inside the action's transaction. It writes
 * a structured log line until the platform audit trail (`AuditTrail` of @careloop/audit) is
 * available to delegate to; callers do not change when it is.
 */
@Injectable()
export class StaffActionRecorder {
  private readonly logger = new Logger('StaffAction');

  record(_manager: EntityManager, entry: StaffAction): Promise<void> {
    this.logger.log({ msg: 'staff action', ...entry });
    return Promise.resolve();
  }
}
