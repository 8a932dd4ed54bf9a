import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { AuditTrail } from '@careloop/audit';
import { AuthSettings } from '../common/auth-settings';
import { SecretSealer } from '../common/secret-sealer';
import type { IdentityRecord } from '../identities/identities.repository';
import { IdentitiesRepository } from '../identities/identities.repository';
import { MembershipsService } from '../memberships/memberships.service';
import { mfaErrors } from './mfa.errors';
import { MfaRepository } from './mfa.repository';
import { hashRecoveryCode, newRecoveryCode, RECOVERY_CODE_COUNT } from './recovery-codes';
import { newTotpSecret, totpUri, verifyTotp } from './totp';

export interface SecondFactor {
  totp?: string;
  recoveryCode?: string;
}

export interface MfaCaller {
  userId: string;
  orgId?: string;
}

/** TOTP second factor (RFC 6238) with single-use recovery codes. */
@Injectable()
export class MfaService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly identities: IdentitiesRepository,
    private readonly mfa: MfaRepository,
    private readonly memberships: MembershipsService,
    private readonly sealer: SecretSealer,
    private readonly settings: AuthSettings,
    private readonly audit: AuditTrail,
  ) {}

  /** A new pending secret; it protects nothing until activated with a code from it. */
  enrol(caller: MfaCaller): Promise<{ secret: string; otpauthUri: string }> {
    return this.dataSource.transaction(async (manager) => {
      const identity = await this.requireIdentity(manager, caller.userId);
      if (identity.totpEnabled) throw mfaErrors.alreadyEnabled();
      const secret = newTotpSecret();
      await this.identities.setPendingTotp(manager, identity.id, this.seal(identity.id, secret));
      return { secret, otpauthUri: totpUri(secret, this.settings.totpIssuer, identity.email) };
    });
  }

  activate(caller: MfaCaller, code: string): Promise<{ recoveryCodes: string[] }> {
    return this.dataSource.transaction(async (manager) => {
      const identity = await this.requireIdentity(manager, caller.userId);
      if (identity.totpEnabled) throw mfaErrors.alreadyEnabled();
      if (!identity.totpSecretSealed) throw mfaErrors.notEnrolled();
      const timeStep = await verifyTotp(this.open(identity), code, null);
      if (timeStep === null) throw mfaErrors.invalidCode();
      await this.identities.enableTotp(manager, identity.id, timeStep);
      const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, () => newRecoveryCode());
      await this.mfa.replaceRecoveryCodes(
        manager,
        identity.id,
        recoveryCodes.map((recoveryCode) => hashRecoveryCode(identity.id, recoveryCode)),
      );
      await this.recordAction(manager, caller, 'mfa.enrolled');
      return { recoveryCodes };
    });
  }

  disable(caller: MfaCaller, code: string): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      const identity = await this.requireIdentity(manager, caller.userId);
      if (!identity.totpEnabled) throw mfaErrors.notEnabled();
      if (!(await this.verifyWith(manager, identity, { totp: code })))
        throw mfaErrors.invalidCode();
      const memberships = await this.memberships.listForIdentity(manager, identity.id);
      if (memberships.some((membership) => membership.mfaRequired))
        throw mfaErrors.requiredByOrganization();
      await this.identities.clearTotp(manager, identity.id);
      await this.mfa.deleteRecoveryCodes(manager, identity.id);
      await this.recordAction(manager, caller, 'mfa.disabled');
    });
  }

  /**
   * True when the factor is a valid, unused TOTP code or an unused recovery code, which is spent.
   * Run inside the login's transaction, so a spent code and the session commit together.
   */
  async verifyWith(
    manager: EntityManager,
    identity: IdentityRecord,
    factor: SecondFactor,
  ): Promise<boolean> {
    if (!identity.totpEnabled) return false;
    if (factor.totp !== undefined) {
      const timeStep = await verifyTotp(
        this.open(identity),
        factor.totp,
        identity.totpLastTimeStep,
      );
      return (
        timeStep !== null && this.identities.advanceTotpTimeStep(manager, identity.id, timeStep)
      );
    }
    if (factor.recoveryCode !== undefined) {
      return this.mfa.useRecoveryCode(
        manager,
        identity.id,
        hashRecoveryCode(identity.id, factor.recoveryCode),
      );
    }
    return false;
  }

  private async requireIdentity(manager: EntityManager, userId: string): Promise<IdentityRecord> {
    const identity = await this.identities.findById(manager, userId, { forUpdate: true });
    // The token was valid, so the identity existed; it can only be gone if it was erased since.
    if (!identity) throw mfaErrors.notEnabled();
    return identity;
  }

  private seal(identityId: string, secret: string): string {
    return this.sealer.seal(secret, `totp:${identityId}`);
  }

  private open(identity: IdentityRecord): string {
    return this.sealer.open(identity.totpSecretSealed ?? '', `totp:${identity.id}`);
  }

  /** Audit entries live in an org's trail; an action by someone in no org has none to go to. */
  private async recordAction(
    manager: EntityManager,
    caller: MfaCaller,
    action: string,
  ): Promise<void> {
    if (!caller.orgId) return;
    await this.audit.record(manager, {
      orgId: caller.orgId,
      action,
      target: { type: 'identity', id: caller.userId },
      actor: { id: caller.userId, type: 'user' },
    });
  }
}
