import { randomBytes } from 'node:crypto';
import { jose } from '@careloop/security';
import type { OnModuleInit } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import type { JWK, JWTPayload } from 'jose';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { AuditTrail } from '@careloop/audit';
import { AuthSettings } from '../common/auth-settings';
import { SecretSealer } from '../common/secret-sealer';
import { SigningKeysRepository } from './signing-keys.repository';

type PrivateKey = Awaited<ReturnType<typeof jose.importPKCS8>>;

interface ActiveKey {
  kid: string;
  privateKey: PrivateKey;
  /** Look again at this time (epoch ms): the cache age, or a waiting key's activation. */
  validUntil: number;
}

/**
 * How long a replica signs with the key it loaded before looking again: after a rotation on
 * another replica, this replica may sign with the retired key for up to this long.
 */
const ACTIVE_KEY_CACHE_MS = 30_000;

export interface RotatedKey {
  kid: string;
  /** When the new key starts signing; it is in the JWKS from now on. */
  activatesAt: string;
}

/**
 * RS256 signing keys. A rotation publishes a new key at once and lets it sign after a delay
 * longer than verifiers' JWKS refetch cooldown (libs/security: 30 s), so no service meets a kid
 * it cannot fetch yet; the old key stays in the JWKS until every token it signed has expired. So a
 * rotation logs nobody out and refuses no new token. Private keys are stored sealed (SecretSealer).
 */
@Injectable()
export class SigningKeysService implements OnModuleInit {
  private active: ActiveKey | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: SigningKeysRepository,
    private readonly sealer: SecretSealer,
    private readonly settings: AuthSettings,
    private readonly audit: AuditTrail,
  ) {}

  /** A fresh database gets its first key at start, so the JWKS is never empty. */
  async onModuleInit(): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.keys.lockKeys(manager);
      if ((await this.keys.count(manager)) === 0) await this.createKey(manager, 0);
    });
  }

  /** Signs an access token with the active key, naming it in the `kid` header. */
  async sign(payload: JWTPayload, subject: string, ttlSeconds: number): Promise<string> {
    const key = await this.activeKey();
    return new jose.SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'at+jwt' })
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setSubject(subject)
      .setIssuedAt()
      .setJti(randomBytes(16).toString('base64url'))
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
      .sign(key.privateKey);
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    return {
      keys: await this.keys.listPublished(this.dataSource.manager, this.retentionSeconds()),
    };
  }

  async rotate(actorId: string | undefined, auditOrgId: string | undefined): Promise<RotatedKey> {
    const rotated = await this.dataSource.transaction(async (manager) => {
      await this.keys.lockKeys(manager);
      const created = await this.createKey(manager, this.settings.signingKeyActivationDelaySeconds);
      if (auditOrgId) {
        await this.audit.record(manager, {
          orgId: auditOrgId,
          action: 'signing_key.rotated',
          target: { type: 'signing_key', id: created.kid },
          metadata: { activatesAt: created.activatesAt },
          ...(actorId ? { actor: { id: actorId, type: 'user' as const } } : {}),
        });
      }
      return created;
    });
    this.active = undefined;
    return rotated;
  }

  /**
   * A retired key stays published for the token lifetime, plus the time a replica may go on
   * signing with it from its cache, plus a margin for clock skew.
   */
  private retentionSeconds(): number {
    return this.settings.accessTokenTtlSeconds + ACTIVE_KEY_CACHE_MS / 1000 + 60;
  }

  private async activeKey(): Promise<ActiveKey> {
    if (this.active && Date.now() < this.active.validUntil) return this.active;
    const stored = await this.keys.findActive(this.dataSource.manager);
    if (!stored) throw new Error('no active signing key');
    const validUntil = Math.min(
      Date.now() + ACTIVE_KEY_CACHE_MS,
      stored.nextActivationAt?.getTime() ?? Number.POSITIVE_INFINITY,
    );
    if (this.active?.kid === stored.kid) {
      this.active.validUntil = validUntil;
      return this.active;
    }
    const pem = this.sealer.open(stored.privateKeySealed, `signing-key:${stored.kid}`);
    this.active = { kid: stored.kid, privateKey: await jose.importPKCS8(pem, 'RS256'), validUntil };
    return this.active;
  }

  private async createKey(
    manager: EntityManager,
    activationDelaySeconds: number,
  ): Promise<RotatedKey> {
    const kid = `${new Date().toISOString().slice(0, 10)}-${randomBytes(6).toString('base64url')}`;
    const { publicKey, privateKey } = await jose.generateKeyPair('RS256', {
      modulusLength: 2048,
      extractable: true,
    });
    const publicJwk: JWK = {
      ...(await jose.exportJWK(publicKey)),
      kid,
      alg: 'RS256',
      use: 'sig',
    };
    const pem = await jose.exportPKCS8(privateKey);
    const activatesAt = await this.keys.insert(manager, {
      kid,
      publicJwk,
      privateKeySealed: this.sealer.seal(pem, `signing-key:${kid}`),
      activationDelaySeconds,
    });
    return { kid, activatesAt: activatesAt.toISOString() };
  }
}
