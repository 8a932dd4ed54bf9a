// The local CareLoop stack as processes: which apps exist, their environment, how to start and
// stop them. Used by `npm start` and by the system tests, so both run the same thing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const repositoryRoot = join(__dirname, '..');

export interface LocalService {
  name: string;
  port: number;
  database: string;
}

export interface LocalStack {
  services: LocalService[];
  gateway: { name: string; port: number };
  postgres: string;
  redis: string;
  kafka: string;
}

export const localStack = JSON.parse(
  readFileSync(join(repositoryRoot, 'deploy/local/services.json'), 'utf8'),
) as LocalStack;

export type Environment = Record<string, string>;

export function serviceEnvironment(
  service: LocalService,
  overrides: Environment = {},
): Environment {
  return {
    PORT: String(service.port),
    DATABASE_URL: `postgres://${service.database}:${service.database}@${localStack.postgres}/${service.database}`,
    REDIS_URL: localStack.redis,
    KAFKA_BROKERS: localStack.kafka,
    ...authEnvironment,
    ...(service.name === 'auth-service' ? authServiceSecrets : {}),
    ...(service.name === 'feedback-service' ? feedbackServiceSecrets : {}),
    LOG_LEVEL: 'info',
    ...overrides,
  };
}

/**
 * auth-service's key-encryption key for its signing keys at rest. A fixed value for the local
 * stack only (its database is local too); real deployments take it from a secret store.
 */
export const authServiceSecrets: Environment = {
  AUTH_KEY_ENCRYPTION_KEYS: 'local1:bG9jYWwtb25seS1rZXktZW5jcnlwdGlvbi1rZXkhISE=',
  AUTH_KEY_ENCRYPTION_ACTIVE_KEY_ID: 'local1',
};

/**
 * feedback-service's keys for patient contact data at rest, its blind indexes and respondent
 * tokens. Fixed values for the local stack only (readable text, not secrets); real deployments
 * take them from a secret store (kid:base64 of 32 bytes, as libs/security pii-keys.ts parses).
 */
export const feedbackServiceSecrets: Environment = {
  PII_ENCRYPTION_KEYS: 'local1:bG9jYWwtb25seS1waWktZW5jcnlwdGlvbi1rZXkhISE=',
  PII_ACTIVE_KEY_ID: 'local1',
  PII_BLIND_INDEX_KEY: 'bG9jYWwtb25seS1waWktYmxpbmQtaW5kZXgta2V5ISE=',
  RESPONDENT_TOKEN_KEYS: 'local1:bG9jYWwtb25seS1yZXNwb25kZW50LXRva2VuLWtleSE=',
  RESPONDENT_TOKEN_ACTIVE_KEY_ID: 'local1',
};

/** Where services find auth-service's signing keys, and the issuer and audience it stamps. */
export const authEnvironment: Environment = {
  AUTH_JWKS_URL: 'http://127.0.0.1:3001/api/auth/.well-known/jwks.json',
  AUTH_ISSUER: 'http://127.0.0.1:8080/api/auth',
  AUTH_AUDIENCE: 'careloop-api',
};

/** The gateway verifies tokens at the edge, as Kong does, against the same keys as the services. */
export function gatewayEnvironment(overrides: Environment = {}): Environment {
  return {
    PORT: String(localStack.gateway.port),
    REDIS_URL: localStack.redis,
    GATEWAY_UPSTREAM_HOST_OVERRIDE: '*=127.0.0.1',
    GATEWAY_JWKS_URL: authEnvironment['AUTH_JWKS_URL']!,
    DECK_CARELOOP_JWT_ISSUER: authEnvironment['AUTH_ISSUER']!,
    LOG_LEVEL: 'info',
    ...overrides,
  };
}

// How a service process is started and stopped lives in @careloop/testing, so the app tests use it too.
export { killApp, startApp, stopApp, waitUntilReady } from '@careloop/testing';
export type { RunningApp } from '@careloop/testing';
