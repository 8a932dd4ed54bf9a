/**
 * The typed view of kong.yml that the local gateway runs on. Field names are camelCase; values carry Kong's
 * defaults, so a plugin behaves locally as Kong would run it with the same file.
 */

/** Where a plugin instance is attached; Kong keeps separate rate-limit counters per attachment. */
export type PluginScope = `global` | `service:${string}` | `route:${string}`;

export interface PluginBinding<TConfig> {
  config: TConfig;
  scope: PluginScope;
}

export interface CorrelationIdConfig {
  headerName: string;
  generator: 'uuid' | 'uuid#counter' | 'tracker';
  echoDownstream: boolean;
}

export interface CorsConfig {
  origins: string[];
  methods: string[];
  /** Unset: the request's Access-Control-Request-Headers are echoed, as Kong does. */
  headers?: string[];
  exposedHeaders?: string[];
  maxAge?: number;
  credentials: boolean;
  preflightContinue: boolean;
}

export interface RequestSizeLimitingConfig {
  allowedBytes: number;
  requireContentLength: boolean;
}

export const ratePeriods = ['second', 'minute', 'hour', 'day', 'month', 'year'] as const;
export type RatePeriod = (typeof ratePeriods)[number];

export interface RateLimit {
  period: RatePeriod;
  limit: number;
}

export interface RateLimitingConfig {
  limits: RateLimit[];
  limitBy: 'consumer' | 'credential' | 'ip' | 'service' | 'header' | 'path';
  headerName?: string;
  path?: string;
  policy: 'local' | 'redis';
  faultTolerant: boolean;
  hideClientHeaders: boolean;
  errorCode: number;
  errorMessage: string;
  redisTimeoutMs: number;
  /** Kong's `sync_rate`: seconds between syncs of the counters to Redis; -1 (the default) counts in Redis per request. */
  syncRateSeconds: number;
}

export interface JwtConfig {
  headerNames: string[];
  uriParamNames: string[];
  cookieNames: string[];
  keyClaimName: string;
  claimsToVerify: Array<'exp' | 'nbf'>;
  runOnPreflight: boolean;
  /** Seconds; 0 means no limit. */
  maximumExpiration: number;
  realm?: string;
}

/** The plugins the local gateway implements, resolved with Kong's precedence (route > service > global). */
export interface GatewayPlugins {
  correlationId?: PluginBinding<CorrelationIdConfig>;
  cors?: PluginBinding<CorsConfig>;
  requestSizeLimiting?: PluginBinding<RequestSizeLimitingConfig>;
  rateLimiting?: PluginBinding<RateLimitingConfig>;
  jwt?: PluginBinding<JwtConfig>;
}

export interface KongService {
  name: string;
  protocol: 'http' | 'https';
  host: string;
  port: number;
  /** Upstream path prefix; undefined when the service URL has none. */
  path?: string;
  retries: number;
  connectTimeoutMs: number;
  writeTimeoutMs: number;
  readTimeoutMs: number;
  tlsVerify?: boolean;
  tags: string[];
}

export interface KongRoute {
  name: string;
  service: KongService;
  paths: string[];
  /** Undefined: every method. */
  methods?: string[];
  stripPath: boolean;
  tags: string[];
  plugins: GatewayPlugins;
}

export interface KongJwtCredential {
  consumer: string;
  /** The value the token's key claim (`iss` by default) must carry. */
  key: string;
  algorithm: string;
  /** Set when `key` is a decK template whose DECK_* variable was not in the environment. */
  unrenderedVariable?: string;
}

export interface KongConfig {
  sourcePath: string;
  services: KongService[];
  routes: KongRoute[];
  globalPlugins: GatewayPlugins;
  jwtCredentials: KongJwtCredential[];
  /** Things Kong would do that the local gateway does not; logged at start. */
  warnings: string[];
}
