import { randomUUID } from 'node:crypto';
import { OutboxWriter } from '@careloop/messaging';
import { DomainError } from '@careloop/runtime';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditTrail } from '@careloop/audit';
import { IdentitiesRepository } from '../identities/identities.repository';
import { PasswordHasher } from '../identities/password-hasher';
import { LoginThrottleService } from '../login-throttle/login-throttle.service';
import type { IdentityMembership } from '../memberships/memberships.repository';
import { MembershipsService } from '../memberships/memberships.service';
import { MfaService } from '../mfa/mfa.service';
import { chooseActiveOrganization } from './active-organization';
import type { MeResponse } from './dto/me.response';
import type { LoginDto, SignupDto } from './dto/session.dtos';
import type { TokenPairResponse } from './dto/token-pair.response';
import { decideRefresh } from './refresh-family';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { hashRefreshToken, SessionTokensService } from './session-tokens.service';
import {
  AuthErrorCode,
  invalidCredentials,
  invalidRefreshToken,
  mfaInvalid,
  mfaRequired,
} from './sessions.errors';

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface SessionCaller {
  userId: string;
  orgId?: string;
  /** The `amr` of the caller's access token: whether its session passed a second factor. */
  mfaVerified: boolean;
}

/** Signup, login, refresh rotation with reuse detection, logout and organization switching. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly identities: IdentitiesRepository,
    private readonly hasher: PasswordHasher,
    private readonly memberships: MembershipsService,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly tokens: SessionTokensService,
    private readonly throttle: LoginThrottleService,
    private readonly mfa: MfaService,
    private readonly outbox: OutboxWriter,
    private readonly audit: AuditTrail,
  ) {}

  /**
   * Creates the identity and, when an organization name is given, picks the org id, records the
   * founder's org_admin membership locally (so the answer's token works at once) and tells
   * user-org-service through `identity.registered` to create the organization.
   */
  async signup(input: SignupDto): Promise<TokenPairResponse> {
    const email = normaliseEmail(input.email);
    const passwordHash = await this.hasher.hash(input.password);
    const identityId = randomUUID();
    const orgId = input.organizationName !== undefined ? randomUUID() : null;
    return this.dataSource.transaction(async (manager) => {
      const created = await this.identities.insert(manager, {
        id: identityId,
        email,
        name: input.name,
        passwordHash,
        lastOrgId: orgId,
      });
      if (!created) {
        throw new DomainError(
          'conflict',
          AuthErrorCode.EmailTaken,
          'An account with this email exists; log in instead',
          [{ field: 'email', message: 'email is already registered' }],
        );
      }
      if (orgId) {
        await this.memberships.recordFounder(manager, {
          membershipId: randomUUID(),
          orgId,
          identityId,
        });
      }
      await this.outbox.append(manager, 'identity.registered', {
        subject: identityId,
        ...(orgId ? { orgId } : {}),
        data: {
          identityId,
          email,
          name: input.name,
          ...(orgId && input.organizationName
            ? { organization: { orgId, name: input.organizationName } }
            : {}),
          registeredAt: new Date().toISOString(),
        },
      });
      return this.tokens.startSession(manager, {
        identityId,
        email,
        orgId,
        roles: this.tokens.rolesFor(email, orgId ? ['org_admin'] : []),
        mfaVerified: false,
      });
    });
  }

  async login(input: LoginDto, sourceIp: string): Promise<TokenPairResponse> {
    const email = normaliseEmail(input.email);
    await this.throttle.assertMayTry(email, sourceIp);
    const identity = await this.identities.findByEmail(this.dataSource.manager, email);
    // Unknown email: the hasher verifies a dummy hash, so both paths cost one argon2 verification.
    if (!(await this.hasher.verify(identity?.passwordHash, input.password)) || !identity) {
      await this.throttle.recordFailure(email, sourceIp);
      throw invalidCredentials();
    }
    let pair: TokenPairResponse;
    try {
      pair = await this.dataSource.transaction(async (manager) => {
        const memberships = await this.memberships.listForIdentity(manager, identity.id);
        const active = chooseActiveOrganization(memberships, input.orgId, identity.lastOrgId);
        // Everyone in an org that enforces MFA needs it for every login, whichever org they open:
        // a session could otherwise switch into that org on a password alone.
        const secondFactorNeeded =
          identity.totpEnabled || memberships.some((membership) => membership.mfaRequired);
        if (secondFactorNeeded) {
          if (input.totp === undefined && input.recoveryCode === undefined) throw mfaRequired();
          if (!identity.totpEnabled) throw mfaRequired();
          const factor =
            input.totp !== undefined
              ? { totp: input.totp }
              : { recoveryCode: input.recoveryCode ?? '' };
          if (!(await this.mfa.verifyWith(manager, identity, factor))) throw mfaInvalid();
        }
        const orgId = active?.orgId ?? null;
        if (orgId !== identity.lastOrgId)
          await this.identities.setLastOrg(manager, identity.id, orgId);
        if (orgId) {
          await this.audit.record(manager, {
            orgId,
            action: 'session.login.succeeded',
            target: { type: 'identity', id: identity.id },
            actor: { id: identity.id, type: 'user' },
            metadata: { mfa: secondFactorNeeded },
          });
        }
        return this.tokens.startSession(manager, {
          identityId: identity.id,
          email: identity.email,
          orgId,
          roles: this.tokens.rolesFor(identity.email, active?.roles ?? []),
          mfaVerified: secondFactorNeeded,
        });
      });
    } catch (error) {
      // A wrong second factor is a failed login like a wrong password (codes are guessable too).
      if (error instanceof DomainError && error.code === AuthErrorCode.MfaInvalid)
        await this.throttle.recordFailure(email, sourceIp);
      throw error;
    }
    await this.throttle.recordSuccess(email);
    return pair;
  }

  /**
   * Rotates the presented refresh token. A token that was already used revokes its whole family
   * (committed before answering), so a stolen token dies with the legitimate one.
   */
  async refresh(refreshToken: string): Promise<TokenPairResponse> {
    const hash = hashRefreshToken(refreshToken);
    const outcome = await this.dataSource.transaction(async (manager) => {
      const presented = await this.refreshTokens.findForUpdate(manager, hash);
      if (!presented) return undefined;
      const decision = decideRefresh(presented, new Date());
      if (decision === 'revoke-family') {
        await this.refreshTokens.revokeFamily(manager, presented.family.id, 'reuse');
        return undefined;
      }
      if (decision === 'refuse') return undefined;
      const { family } = presented;
      const identity = await this.identities.findById(manager, family.identityId);
      if (!identity) return undefined;
      await this.refreshTokens.markUsed(manager, hash);
      const memberships = await this.memberships.listForIdentity(manager, identity.id);
      const active = memberships.find((membership) => membership.orgId === family.orgId);
      if (active?.mfaRequired && !family.mfaVerified) throw mfaRequired();
      return this.tokens.continueSession(manager, family.id, {
        identityId: identity.id,
        email: identity.email,
        // Removed from the org since: the session goes on without it.
        orgId: active?.orgId ?? null,
        roles: this.tokens.rolesFor(identity.email, active?.roles ?? []),
        mfaVerified: family.mfaVerified,
      });
    });
    if (!outcome) throw invalidRefreshToken();
    return outcome;
  }

  /** Revokes the token's family if it is the caller's; quietly does nothing otherwise. */
  async logout(caller: SessionCaller, refreshToken: string): Promise<void> {
    await this.refreshTokens.revokeFamilyOfToken(
      this.dataSource.manager,
      hashRefreshToken(refreshToken),
      caller.userId,
    );
  }

  async switchOrganization(caller: SessionCaller, orgId: string): Promise<TokenPairResponse> {
    return this.dataSource.transaction(async (manager) => {
      const identity = await this.identities.findById(manager, caller.userId);
      const memberships = identity
        ? await this.memberships.listForIdentity(manager, identity.id)
        : [];
      const target = memberships.find((membership) => membership.orgId === orgId);
      if (!identity || !target) {
        throw new DomainError(
          'forbidden',
          AuthErrorCode.NotAMember,
          'You are not a member of this organization',
        );
      }
      if (target.mfaRequired && !caller.mfaVerified) throw mfaRequired();
      await this.identities.setLastOrg(manager, identity.id, orgId);
      return this.tokens.startSession(manager, {
        identityId: identity.id,
        email: identity.email,
        orgId,
        roles: this.tokens.rolesFor(identity.email, target.roles),
        mfaVerified: caller.mfaVerified,
      });
    });
  }

  async me(caller: SessionCaller): Promise<MeResponse> {
    return this.dataSource.transaction(async (manager) => {
      const identity = await this.identities.findById(manager, caller.userId);
      if (!identity) throw invalidCredentials();
      const memberships: IdentityMembership[] = await this.memberships.listForIdentity(
        manager,
        identity.id,
      );
      return {
        userId: identity.id,
        email: identity.email,
        name: identity.name,
        mfaEnabled: identity.totpEnabled,
        memberships: memberships.map((membership) => ({
          orgId: membership.orgId,
          roles: membership.roles,
        })),
      };
    });
  }
}
