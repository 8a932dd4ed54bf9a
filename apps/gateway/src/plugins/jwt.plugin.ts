import type { FastifyInstance, FastifyRequest } from 'fastify';
import { kongRouteOf } from '../gateway-route.context';
import { sendProblem } from '../gateway.problem';
import type { JwtConfig, KongJwtCredential } from '../kong-config.types';
import { jose } from '@careloop/security';

export interface JwtVerificationOptions {
  /** auth-service's JWKS. Unset: the plugin is off and tokens pass through to the services, which verify them. */
  jwksUrl?: string;
  /** kong.yml consumers' jwt_secrets: which key-claim values and algorithms Kong would accept. */
  credentials: readonly KongJwtCredential[];
}

/** jose error codes that mean "this token is not acceptable" (401); anything else is our problem (503). */
const tokenErrors: Record<string, string> = {
  ERR_JWT_EXPIRED: 'token expired',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'Invalid signature',
  ERR_JWKS_NO_MATCHING_KEY: 'Invalid signature',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'Invalid signature',
  ERR_JOSE_ALG_NOT_ALLOWED: 'Invalid algorithm',
  ERR_JWS_INVALID: 'Bad token',
  ERR_JWT_INVALID: 'Bad token',
  ERR_JOSE_NOT_SUPPORTED: 'Invalid algorithm',
};

/**
 * Kong's jwt plugin, on routes where kong.yml applies it. Kong verifies with the consumer's `rsa_public_key`;
 * the local gateway verifies with auth-service's JWKS (the same key, served where auth-service publishes it)
 * and otherwise follows Kong: the token comes from the configured headers (Bearer), query parameters or
 * cookies; its key claim (`iss`) must name a jwt_secret whose algorithm matches the token's; `claims_to_verify`
 * must be present and valid; `maximum_expiration` caps the lifetime. Messages are Kong's.
 */
export function registerJwt(app: FastifyInstance, options: JwtVerificationOptions): void {
  if (!options.jwksUrl) return;
  assertJwtCredentialsKnown(options);
  const jwks = jose.createRemoteJWKSet(new URL(options.jwksUrl), {
    timeoutDuration: 2000,
    cooldownDuration: 30_000,
    cacheMaxAge: 600_000,
  });

  app.addHook('onRequest', async (request, reply) => {
    const binding = kongRouteOf(request)?.plugins.jwt;
    if (!binding) return;
    const config = binding.config;
    if (request.method === 'OPTIONS' && !config.runOnPreflight) return;

    const tokens = findTokens(request, config);
    const unauthorized = (detail: string) =>
      sendProblem(request, reply, 401, detail, {
        'www-authenticate': challenge(config, tokens.length > 0),
      });
    if (tokens.length === 0)
      return unauthorized('Unauthorized: this route requires a bearer token');
    if (tokens.length > 1) return unauthorized('Multiple tokens provided');
    const token = tokens[0] as string;

    let claims: Record<string, unknown>;
    let header: Record<string, unknown>;
    try {
      claims = jose.decodeJwt(token);
      header = jose.decodeProtectedHeader(token);
    } catch {
      return unauthorized('Bad token; invalid JSON');
    }
    const keyValue = claims[config.keyClaimName] ?? header[config.keyClaimName];
    if (typeof keyValue !== 'string')
      return unauthorized(`No mandatory '${config.keyClaimName}' in claims`);
    const credential = options.credentials.find((c) => c.key === keyValue);
    if (!credential) return unauthorized(`No credentials found for given '${config.keyClaimName}'`);
    if (header['alg'] !== credential.algorithm) return unauthorized('Invalid algorithm');

    try {
      const { payload } = await jose.jwtVerify(token, jwks, {
        algorithms: [credential.algorithm],
        requiredClaims: config.claimsToVerify,
      });
      if (config.maximumExpiration > 0) {
        const lifetime = (payload.exp ?? 0) - Math.floor(Date.now() / 1000);
        if (lifetime > config.maximumExpiration)
          return unauthorized('The maximum allowed expiration is exceeded');
      }
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') return unauthorized((error as Error).message);
      const message = typeof code === 'string' ? tokenErrors[code] : undefined;
      if (message) return unauthorized(message);
      request.log.error({ err: error }, 'JWKS unavailable; cannot verify tokens');
      return sendProblem(request, reply, 503, 'Token verification is temporarily unavailable');
    }
  });
}

/**
 * Verifying at the edge needs the issuer each jwt_secret names. Fails (at start, before anything opens) when
 * that is still an unrendered decK template.
 */
export function assertJwtCredentialsKnown(options: JwtVerificationOptions): void {
  if (!options.jwksUrl) return;
  for (const credential of options.credentials) {
    if (credential.unrenderedVariable) {
      throw new Error(
        `GATEWAY_JWKS_URL is set, so the jwt_secrets key of kong.yml consumer '${credential.consumer}' must be known: ` +
          `set ${credential.unrenderedVariable} to auth-service's token issuer (its AUTH_ISSUER), as decK would`,
      );
    }
  }
}

function challenge(config: JwtConfig, tokenPresent: boolean): string {
  const parts = [
    config.realm ? `realm="${config.realm}"` : undefined,
    tokenPresent ? 'error="invalid_token"' : undefined,
  ];
  const params = parts.filter((p): p is string => p !== undefined).join(', ');
  return params ? `Bearer ${params}` : 'Bearer';
}

/** Distinct tokens from the configured query parameters, cookies and headers, as Kong collects them. */
function findTokens(request: FastifyRequest, config: JwtConfig): string[] {
  const tokens = new Set<string>();
  const queryIndex = request.url.indexOf('?');
  if (config.uriParamNames.length > 0 && queryIndex >= 0) {
    const query = new URLSearchParams(request.url.slice(queryIndex + 1));
    for (const name of config.uriParamNames) {
      const value = query.get(name);
      if (value) tokens.add(value);
    }
  }
  const cookieHeader = request.headers.cookie;
  if (config.cookieNames.length > 0 && cookieHeader) {
    for (const pair of cookieHeader.split(';')) {
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      if (separator > 0 && config.cookieNames.includes(name))
        tokens.add(pair.slice(separator + 1).trim());
    }
  }
  for (const name of config.headerNames) {
    const value = request.headers[name.toLowerCase()];
    const first = Array.isArray(value) ? value[0] : value;
    const match = first === undefined ? null : /^\s*[Bb]earer\s+(.+)$/.exec(first);
    if (match?.[1]) tokens.add(match[1].trim());
  }
  return [...tokens];
}
