import { ServiceEnvironment } from '@careloop/config';
import { parseKeyRing } from '@careloop/security';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateBy,
} from 'class-validator';

/** The key ring parses (ids, base64, 32 bytes); the message never echoes key material. */
function IsKeyRing(): PropertyDecorator {
  return ValidateBy({
    name: 'isKeyRing',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string') return false;
        try {
          parseKeyRing(value);
          return true;
        } catch {
          return false;
        }
      },
      defaultMessage: () =>
        '$property must be a comma-separated list of <kid>:<base64 of 32 bytes> entries',
    },
  });
}

/** auth-service's variables on top of every service's. */
export class AuthEnvironment extends ServiceEnvironment {
  /**
   * Key-encryption keys for the signing keys' private halves at rest, `kid:base64,...` (the PII key
   * format). Retired keys stay listed so keys sealed with them still open.
   */
  @IsKeyRing()
  AUTH_KEY_ENCRYPTION_KEYS!: string;

  /** The entry of AUTH_KEY_ENCRYPTION_KEYS that seals new signing keys. */
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,32}$/)
  AUTH_KEY_ENCRYPTION_ACTIVE_KEY_ID!: string;

  /** Lifetime of access tokens. */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(3_600)
  AUTH_ACCESS_TOKEN_TTL_SECONDS: number = 900;

  /**
   * After a rotation, how long the new key is published before it signs: longer than verifiers'
   * refetch cooldown for unknown kids (30 s), so no service refuses a token of the new key.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600)
  AUTH_SIGNING_KEY_ACTIVATION_DELAY_SECONDS: number = 60;

  /** A refresh token unused this long expires; every use rotates it. */
  @Type(() => Number)
  @IsInt()
  @Min(300)
  AUTH_REFRESH_TOKEN_IDLE_SECONDS: number = 14 * 24 * 3_600;

  /** A login session (refresh family) ends this long after the login, however active. */
  @Type(() => Number)
  @IsInt()
  @Min(300)
  AUTH_REFRESH_FAMILY_MAX_SECONDS: number = 30 * 24 * 3_600;

  /** Failed logins per account that are free before backoff starts. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  AUTH_LOGIN_FREE_FAILURES: number = 4;

  /** Failed logins per account (within the window) that lock it. */
  @Type(() => Number)
  @IsInt()
  @Min(2)
  AUTH_LOGIN_LOCKOUT_FAILURES: number = 10;

  /** First backoff delay after the free failures; each further failure doubles it. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  AUTH_LOGIN_BACKOFF_BASE_MS: number = 1_000;

  /** How long a lockout lasts, and the window failures are counted in. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  AUTH_LOGIN_LOCKOUT_SECONDS: number = 900;

  /** Failed logins per source address within the lockout window before the address is blocked. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  AUTH_LOGIN_IP_FAILURES: number = 100;

  /** Prefix of auth-service's keys in Redis, so deployments (or test stacks) sharing one Redis keep apart. */
  @IsString()
  @Matches(/^[A-Za-z0-9:_-]{1,64}$/, {
    message: 'AUTH_REDIS_KEY_PREFIX must be 1-64 letters, digits, colons, dashes or underscores',
  })
  AUTH_REDIS_KEY_PREFIX: string = 'auth';

  /**
   * Identities with these emails (comma-separated) carry `platform_admin`. Only for operators'
   * own accounts: without email verification, register them before publishing the setting.
   */
  @IsOptional()
  @IsString()
  AUTH_PLATFORM_ADMIN_EMAILS: string = '';

  /** Issuer label shown in authenticator apps. */
  @IsString()
  @IsNotEmpty()
  AUTH_TOTP_ISSUER: string = 'CareLoop';
}
