import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { join } from 'node:path';
import { hostOverridePattern } from './upstream-host-override';

/** The repository's kong.yml, the one truth for routes. */
export const defaultKongConfigPath = join(
  __dirname,
  '..',
  '..',
  '..',
  'deploy',
  'kong',
  'kong.yml',
);

/**
 * The gateway's variables. It has no database or Kafka, so it does not extend ServiceEnvironment; it shares
 * the loader (`loadEnvironment`) and the way a bad value stops the process (`runOrExit`).
 */
export class GatewayEnvironment {
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT: number = 8080;

  @IsString()
  @IsNotEmpty()
  HOST: string = '127.0.0.1';

  /** Rate-limit counters (kong.yml's `policy: redis`) and the readiness check. */
  @IsUrl({ protocols: ['redis', 'rediss'], require_tld: false, require_protocol: true })
  REDIS_URL!: string;

  /** A relative path is taken from the working directory. */
  @IsString()
  @IsNotEmpty()
  KONG_CONFIG_PATH: string = defaultKongConfigPath;

  @IsOptional()
  @Matches(hostOverridePattern, {
    message:
      'GATEWAY_UPSTREAM_HOST_OVERRIDE must be comma-separated match=host[:port] rules, e.g. *=127.0.0.1',
  })
  GATEWAY_UPSTREAM_HOST_OVERRIDE?: string;

  /**
   * auth-service's JWKS, e.g. http://127.0.0.1:3001/api/auth/.well-known/jwks.json. Unset: routes with the jwt
   * plugin pass tokens through unverified at the edge — every service verifies them itself.
   */
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  GATEWAY_JWKS_URL?: string;

  /** Prefix of the rate-limit counters in Redis: gateways sharing one Redis but not one budget differ here. */
  @IsString()
  @Matches(/^[A-Za-z0-9:_-]{1,100}$/, {
    message:
      'GATEWAY_RATE_LIMIT_KEY_PREFIX must be 1-100 letters, digits, colons, dashes or underscores',
  })
  GATEWAY_RATE_LIMIT_KEY_PREFIX: string = 'careloop:gateway:ratelimit';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';
}
