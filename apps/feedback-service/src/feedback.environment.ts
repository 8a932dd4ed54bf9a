import { ServiceEnvironment } from '@careloop/config';
import { decodeKey, parseKeyRing } from '@careloop/security';
import { Type } from 'class-transformer';
import { IsInt, IsString, IsUrl, Matches, Max, Min, ValidateBy } from 'class-validator';

/** The value parses with `parse`; the message never echoes key material. */
function ParsesAs(parse: (value: string) => unknown, expected: string): PropertyDecorator {
  return ValidateBy({
    name: 'parsesAs',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string') return false;
        try {
          parse(value);
          return true;
        } catch {
          return false;
        }
      },
      defaultMessage: () => `$property must be ${expected}`,
    },
  });
}

const keyRingFormat = 'a comma-separated list of <kid>:<base64 of 32 bytes> entries';
const keyId = /^[A-Za-z0-9_-]{1,32}$/;

/** feedback-service's variables on top of every service's. */
export class FeedbackEnvironment extends ServiceEnvironment {
  /**
   * Keys sealing patient contact data at rest (AES-256-GCM), `kid:base64,...`. Retired keys stay
   * listed so rows sealed with them still open; the key id travels inside every ciphertext.
   */
  @ParsesAs(parseKeyRing, keyRingFormat)
  PII_ENCRYPTION_KEYS!: string;

  /** The entry of PII_ENCRYPTION_KEYS that seals new values. */
  @IsString()
  @Matches(keyId)
  PII_ACTIVE_KEY_ID!: string;

  /** HMAC key of the contact blind indexes (base64, 32 bytes); never rotated without a re-index. */
  @ParsesAs((value) => decodeKey(value, 'PII_BLIND_INDEX_KEY'), 'the base64 of 32 bytes')
  PII_BLIND_INDEX_KEY!: string;

  /** HMAC keys of respondent tokens, `kid:base64,...`; the kid inside a token picks its key. */
  @ParsesAs(parseKeyRing, keyRingFormat)
  RESPONDENT_TOKEN_KEYS!: string;

  /** The entry of RESPONDENT_TOKEN_KEYS that signs new tokens. */
  @IsString()
  @Matches(keyId)
  RESPONDENT_TOKEN_ACTIVE_KEY_ID!: string;

  /** Where patients open CareLoop; respondent links are `<PUBLIC_WEB_URL>/respond/<token>`. */
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  PUBLIC_WEB_URL: string = 'http://127.0.0.1:8080';

  /** How often drafts saved in Redis are copied to Postgres: the most a Redis loss can cost. */
  @Type(() => Number)
  @IsInt()
  @Min(200)
  @Max(3_600_000)
  DRAFT_SYNC_INTERVAL_MS: number = 5_000;

  /** How often sessions whose link expired unanswered are looked for (`feedback.session.expired`). */
  @Type(() => Number)
  @IsInt()
  @Min(200)
  @Max(3_600_000)
  SESSION_EXPIRY_SWEEP_INTERVAL_MS: number = 60_000;

  /** How long an untouched draft stays in Redis. */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  DRAFT_TTL_SECONDS: number = 7 * 24 * 3_600;

  /** Prefix of this service's Redis keys; lets a test run own its keys on a shared Redis. */
  @IsString()
  @Matches(/^[A-Za-z0-9:._-]{1,64}$/)
  FEEDBACK_REDIS_KEY_PREFIX: string = 'feedback:';
}
