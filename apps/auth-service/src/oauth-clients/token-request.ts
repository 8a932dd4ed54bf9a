import { OauthError } from './oauth.errors';

export interface ClientCredentialsRequest {
  clientId: string;
  clientSecret: string;
  /** Requested scopes; undefined means every scope the client holds. */
  scopes: string[] | undefined;
  /** How the client authenticated: a failure with Basic answers a Basic challenge. */
  viaBasic: boolean;
}

function field(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw new OauthError('invalid_request', `${name} must be a string`);
  return value;
}

/** RFC 6749 §2.3.1: Basic credentials are form-encoded before base64. */
function basicCredentials(
  authorization: string | undefined,
): { id: string; secret: string } | undefined {
  if (!authorization) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator < 0) throw new OauthError('invalid_client', 'malformed Basic credentials', true);
  try {
    const decode = (part: string) => decodeURIComponent(part.replace(/\+/g, ' '));
    return {
      id: decode(decoded.slice(0, separator)),
      secret: decode(decoded.slice(separator + 1)),
    };
  } catch {
    throw new OauthError('invalid_client', 'malformed Basic credentials', true);
  }
}

/**
 * Reads a client-credentials token request (RFC 6749 §4.4) from a form-urlencoded or JSON body and
 * the Authorization header; client_secret_basic or client_secret_post, never both (§2.3).
 */
export function readClientCredentialsRequest(
  body: unknown,
  authorization: string | undefined,
): ClientCredentialsRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new OauthError('invalid_request', 'the body must be form-urlencoded or a JSON object');
  }
  const fields = body as Record<string, unknown>;
  const grantType = field(fields, 'grant_type');
  if (!grantType) throw new OauthError('invalid_request', 'grant_type is required');
  if (grantType !== 'client_credentials') {
    throw new OauthError('unsupported_grant_type', 'only client_credentials is supported');
  }
  const basic = basicCredentials(authorization);
  const postedId = field(fields, 'client_id');
  const postedSecret = field(fields, 'client_secret');
  if (basic && postedSecret !== undefined) {
    throw new OauthError('invalid_request', 'use one client authentication method, not two');
  }
  if (basic && postedId !== undefined && postedId !== basic.id) {
    throw new OauthError('invalid_request', 'client_id differs from the authenticated client');
  }
  const clientId = basic?.id ?? postedId;
  const clientSecret = basic?.secret ?? postedSecret;
  if (!clientId || !clientSecret) {
    throw new OauthError(
      'invalid_client',
      'client authentication is required',
      !basic && !postedId,
    );
  }
  const scope = field(fields, 'scope');
  const scopes = scope?.split(' ').filter((part) => part.length > 0);
  return {
    clientId,
    clientSecret,
    scopes: scopes && scopes.length > 0 ? scopes : undefined,
    viaBasic: basic !== undefined,
  };
}
