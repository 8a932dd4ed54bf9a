import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuthSettings } from '../common/auth-settings';
import { SigningKeysService } from '../signing-keys/signing-keys.service';
import type { TokenPairResponse } from './dto/token-pair.response';
import { RefreshTokensRepository } from './refresh-tokens.repository';

/** Authentication methods (RFC 8176): password, plus `otp` once a second factor was verified. */
export type AuthenticationMethods = ['pwd'] | ['pwd', 'otp'];

export interface SessionGrant {
  identityId: string;
  email: string;
  orgId: string | null;
  roles: string[];
  mfaVerified: boolean;
}

export function hashRefreshToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Issues access tokens (RS256 JWT) and opaque refresh tokens, one family per login. */
@Injectable()
export class SessionTokensService {
  constructor(
    private readonly signingKeys: SigningKeysService,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly settings: AuthSettings,
  ) {}

  /** A new session (login, signup, switch of organization): a new refresh family. */
  async startSession(manager: EntityManager, grant: SessionGrant): Promise<TokenPairResponse> {
    const familyId = randomUUID();
    await this.refreshTokens.createFamily(manager, {
      id: familyId,
      identityId: grant.identityId,
      orgId: grant.orgId,
      mfaVerified: grant.mfaVerified,
      maxSeconds: this.settings.refreshFamilyMaxSeconds,
    });
    return this.issue(manager, familyId, grant);
  }

  /** The next pair of an existing family (refresh). */
  continueSession(
    manager: EntityManager,
    familyId: string,
    grant: SessionGrant,
  ): Promise<TokenPairResponse> {
    return this.issue(manager, familyId, grant);
  }

  /** Adds platform_admin for the operators' configured emails. */
  rolesFor(email: string, orgRoles: readonly string[]): string[] {
    return this.settings.platformAdminEmails.has(email)
      ? [...orgRoles, 'platform_admin']
      : [...orgRoles];
  }

  private async issue(
    manager: EntityManager,
    familyId: string,
    grant: SessionGrant,
  ): Promise<TokenPairResponse> {
    const refreshToken = randomBytes(32).toString('base64url');
    await this.refreshTokens.insertToken(manager, {
      hash: hashRefreshToken(refreshToken),
      familyId,
      idleSeconds: this.settings.refreshTokenIdleSeconds,
    });
    const amr: AuthenticationMethods = grant.mfaVerified ? ['pwd', 'otp'] : ['pwd'];
    const accessToken = await this.signingKeys.sign(
      { ...(grant.orgId ? { org: grant.orgId } : {}), roles: grant.roles, amr },
      grant.identityId,
      this.settings.accessTokenTtlSeconds,
    );
    return {
      accessToken,
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.settings.accessTokenTtlSeconds,
      userId: grant.identityId,
      orgId: grant.orgId,
    };
  }
}
