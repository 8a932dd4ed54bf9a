import type { AuthEnvironment } from '../auth.environment';

/** What auth-service's features read from the environment, resolved once at start. */
export class AuthSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenIdleSeconds: number;
  readonly refreshFamilyMaxSeconds: number;
  readonly signingKeyActivationDelaySeconds: number;
  readonly keyEncryptionKeys: string;
  readonly keyEncryptionActiveKeyId: string;
  readonly platformAdminEmails: ReadonlySet<string>;
  readonly totpIssuer: string;
  readonly redisKeyPrefix: string;
  readonly throttle: {
    freeFailures: number;
    lockoutFailures: number;
    backoffBaseMs: number;
    lockoutSeconds: number;
    ipFailures: number;
  };

  constructor(environment: AuthEnvironment) {
    this.issuer = environment.AUTH_ISSUER;
    this.audience = environment.AUTH_AUDIENCE;
    this.accessTokenTtlSeconds = environment.AUTH_ACCESS_TOKEN_TTL_SECONDS;
    this.refreshTokenIdleSeconds = environment.AUTH_REFRESH_TOKEN_IDLE_SECONDS;
    this.refreshFamilyMaxSeconds = environment.AUTH_REFRESH_FAMILY_MAX_SECONDS;
    this.signingKeyActivationDelaySeconds = environment.AUTH_SIGNING_KEY_ACTIVATION_DELAY_SECONDS;
    this.keyEncryptionKeys = environment.AUTH_KEY_ENCRYPTION_KEYS;
    this.keyEncryptionActiveKeyId = environment.AUTH_KEY_ENCRYPTION_ACTIVE_KEY_ID;
    this.platformAdminEmails = new Set(
      environment.AUTH_PLATFORM_ADMIN_EMAILS.split(',')
        .map((email) => email.trim().toLowerCase())
        .filter((email) => email.length > 0),
    );
    this.totpIssuer = environment.AUTH_TOTP_ISSUER;
    this.redisKeyPrefix = environment.AUTH_REDIS_KEY_PREFIX;
    this.throttle = {
      freeFailures: environment.AUTH_LOGIN_FREE_FAILURES,
      lockoutFailures: environment.AUTH_LOGIN_LOCKOUT_FAILURES,
      backoffBaseMs: environment.AUTH_LOGIN_BACKOFF_BASE_MS,
      lockoutSeconds: environment.AUTH_LOGIN_LOCKOUT_SECONDS,
      ipFailures: environment.AUTH_LOGIN_IP_FAILURES,
    };
  }
}
