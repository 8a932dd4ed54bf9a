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

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const brokerList = /^[A-Za-z0-9.-]+:\d{1,5}(,[A-Za-z0-9.-]+:\d{1,5})*$/;

/** Variables every CareLoop service needs; a service extends it with its own. */
export class ServiceEnvironment {
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT!: number;

  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true })
  DATABASE_URL!: string;

  @IsUrl({ protocols: ['redis', 'rediss'], require_tld: false, require_protocol: true })
  REDIS_URL!: string;

  @Matches(brokerList, { message: 'KAFKA_BROKERS must be a comma-separated list of host:port' })
  KAFKA_BROKERS!: string;

  @IsIn(logLevels)
  LOG_LEVEL: (typeof logLevels)[number] = 'info';

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  @IsString()
  @IsNotEmpty()
  HOST: string = '127.0.0.1';

  /** auth-service's key set; access tokens are verified in every service, not only at the edge. */
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  AUTH_JWKS_URL!: string;

  /** The `iss` every access token must carry. */
  @IsString()
  @IsNotEmpty()
  AUTH_ISSUER!: string;

  /** The `aud` every access token must carry. */
  @IsString()
  @IsNotEmpty()
  AUTH_AUDIENCE: string = 'careloop-api';

  /** How often the consumer commits the offsets of events it has applied. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  KAFKA_COMMIT_INTERVAL_MS: number = 1_000;

  /** Applied events after which offsets are committed early, whatever the interval. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  KAFKA_COMMIT_THRESHOLD: number = 200;

  /** Kafka moves a silent consumer's partitions to others after this long. */
  @Type(() => Number)
  @IsInt()
  @Min(6_000)
  @Max(300_000)
  KAFKA_SESSION_TIMEOUT_MS: number = 30_000;

  /**
   * Overrides the service's fetch batching: a fetch returns once this many bytes are ready or after
   * KAFKA_FETCH_MAX_WAIT_MS. Unset: the service's own choice (most fetch every event at once).
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(52_428_800)
  KAFKA_FETCH_MIN_BYTES?: number;

  /** See KAFKA_FETCH_MIN_BYTES. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(30_000)
  KAFKA_FETCH_MAX_WAIT_MS?: number;

  /** Kafka topic prefix; lets a test run isolate its topics on a shared broker. */
  @IsOptional()
  @Matches(/^[a-z0-9._-]*$/)
  KAFKA_TOPIC_PREFIX: string = '';
}
