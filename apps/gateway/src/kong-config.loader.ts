import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type {
  CorrelationIdConfig,
  GatewayPlugins,
  JwtConfig,
  KongConfig,
  KongJwtCredential,
  KongRoute,
  KongService,
  PluginScope,
  RateLimitingConfig,
} from './kong-config.types';
import { ratePeriods } from './kong-config.types';
import { validateKongSchema } from './kong-schema';

/** kong.yml cannot drive the gateway; `problems` name each place in the file. */
export class KongConfigError extends Error {
  constructor(
    readonly sourcePath: string,
    readonly problems: string[],
  ) {
    super(
      `Invalid Kong configuration ${sourcePath}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'KongConfigError';
    // A configuration mistake, not a code defect: a stack trace would only bury the list above.
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** Paths the gateway serves itself; a kong.yml route there would be shadowed, so it is refused. */
const reservedPrefixes = ['/health', '/metrics'];
/** Paths the local router can take literally (find-my-way treats `:` and `*` as parameters). */
const literalPath = /^\/[A-Za-z0-9._~\-/]*$/;
const megabyte = 1048576;
const unitBytes = { bytes: 1, kilobytes: 1024, megabytes: megabyte } as const;

type Raw = Record<string, unknown>;

function asRecord(value: unknown): Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Raw) : {};
}
function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
function asStrings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}
function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}
function asBoolean(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** Reads kong.yml from disk; see parseKongConfig. */
export function loadKongConfig(sourcePath: string, environment: DeckEnvironment = {}): KongConfig {
  let text: string;
  try {
    text = readFileSync(sourcePath, 'utf8');
  } catch (error) {
    throw new KongConfigError(sourcePath, [`cannot read the file: ${(error as Error).message}`]);
  }
  return parseKongConfig(text, sourcePath, environment);
}

/** Variables for decK's `env "DECK_*"` templates; anything else is ignored, as decK ignores it. */
export type DeckEnvironment = Readonly<Record<string, string | undefined>>;

/** decK's substitution: `${{ env "DECK_NAME" }}`, optionally piped through `printf "%q"` (a quoted string). */
const deckTemplate = /\$\{\{\s*env\s+"(DECK_[A-Z0-9_]+)"\s*(\|\s*printf\s+"%q"\s*)?\}\}/g;

/**
 * Renders decK env templates the way `deck file render --populate-env-vars` does, for the variables that are
 * set. Unlike decK, an unset variable leaves its template in place: the local edge needs only some of them
 * (the token issuer when it verifies tokens, never the public key), and asks for those where they are used.
 */
export function renderDeckTemplates(text: string, environment: DeckEnvironment): string {
  return text.replace(deckTemplate, (template, name: string, quoted: string | undefined) => {
    const value = environment[name];
    if (value === undefined) return template;
    // Go's %q and a JSON string agree on everything a PEM key or an issuer URL contains.
    return quoted ? JSON.stringify(value) : value;
  });
}

/** The DECK_* variable a still-unrendered template names, if the value is one. */
export function unrenderedDeckVariable(value: string): string | undefined {
  deckTemplate.lastIndex = 0;
  const match = deckTemplate.exec(value);
  deckTemplate.lastIndex = 0;
  return match?.[1];
}

/**
 * Parses and validates a Kong 3 declarative configuration into the gateway's typed routes. Every problem is
 * collected before failing, so one run shows the whole list.
 */
export function parseKongConfig(
  text: string,
  sourcePath = 'kong.yml',
  environment: DeckEnvironment = {},
): KongConfig {
  text = renderDeckTemplates(text, environment);
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (document.errors.length > 0) {
    throw new KongConfigError(
      sourcePath,
      document.errors.map((e) => `YAML: ${e.message.split('\n')[0] ?? e.message}`),
    );
  }
  const raw: unknown = document.toJS({ maxAliasCount: 1000 });
  const violations = validateKongSchema(raw);
  if (violations.length > 0) {
    throw new KongConfigError(
      sourcePath,
      violations.map((v) => `${v.path}: ${v.message}`),
    );
  }
  return new KongConfigBuilder(sourcePath).build(asRecord(raw));
}

interface RawPluginAttachment {
  raw: Raw;
  scope: PluginScope;
  at: string;
}

class KongConfigBuilder {
  private readonly problems: string[] = [];
  private readonly warnings: string[] = [];

  constructor(private readonly sourcePath: string) {}

  build(document: Raw): KongConfig {
    const services = new Map<string, KongService>();
    const attachments: RawPluginAttachment[] = [];
    const rawRoutes: Array<{ raw: Raw; serviceName: string; at: string }> = [];

    asArray(document['services']).forEach((value, index) => {
      const at = `services[${index}]`;
      const raw = asRecord(value);
      const service = this.service(raw, at);
      if (!service) return;
      if (services.has(service.name))
        this.problems.push(`${at}.name: duplicate service name '${service.name}'`);
      services.set(service.name, service);
      asArray(raw['plugins']).forEach((plugin, i) =>
        attachments.push({
          raw: asRecord(plugin),
          scope: `service:${service.name}`,
          at: `${at}.plugins[${i}]`,
        }),
      );
      asArray(raw['routes']).forEach((route, i) =>
        rawRoutes.push({
          raw: asRecord(route),
          serviceName: service.name,
          at: `${at}.routes[${i}]`,
        }),
      );
    });
    asArray(document['routes']).forEach((value, index) => {
      const raw = asRecord(value);
      rawRoutes.push({ raw, serviceName: asString(raw['service']) ?? '', at: `routes[${index}]` });
    });
    rawRoutes.forEach(({ raw, at }) => {
      const routeName = asString(raw['name']);
      asArray(raw['plugins']).forEach((plugin, i) => {
        if (routeName)
          attachments.push({
            raw: asRecord(plugin),
            scope: `route:${routeName}`,
            at: `${at}.plugins[${i}]`,
          });
        else this.problems.push(`${at}: a route with plugins needs a name`);
      });
    });
    asArray(document['plugins']).forEach((value, index) => {
      const raw = asRecord(value);
      const at = `plugins[${index}]`;
      const route = asString(raw['route']);
      const service = asString(raw['service']);
      if (raw['consumer'] !== undefined) {
        this.warnings.push(
          `${at}: consumer-scoped plugins do not run on the local gateway (it has no consumers)`,
        );
        return;
      }
      attachments.push({
        raw,
        scope: route ? `route:${route}` : service ? `service:${service}` : 'global',
        at,
      });
    });
    asArray(document['consumers']).forEach((value, index) => {
      if (asArray(asRecord(value)['plugins']).length > 0) {
        this.warnings.push(
          `consumers[${index}].plugins: consumer-scoped plugins do not run on the local gateway`,
        );
      }
    });

    const byScope = this.pluginsByScope(attachments);
    const routes: KongRoute[] = [];
    const seenPaths = new Map<string, string>();
    const routeNames = new Set<string>();
    for (const { raw, serviceName, at } of rawRoutes) {
      const service = services.get(serviceName);
      if (!service) {
        this.problems.push(`${at}.service: unknown service '${serviceName}'`);
        continue;
      }
      const name = asString(raw['name']) ?? `${service.name}-route-${routes.length}`;
      if (routeNames.has(name)) this.problems.push(`${at}.name: duplicate route name '${name}'`);
      routeNames.add(name);
      const paths = asStrings(raw['paths']) ?? [];
      if (paths.length === 0)
        this.problems.push(
          `${at}.paths: the local gateway routes by path; give the route at least one path`,
        );
      if (raw['hosts'] !== undefined)
        this.warnings.push(`${at}.hosts: host matching is ignored by the local gateway`);
      paths.forEach((path, i) => {
        const pathAt = `${at}.paths[${i}]`;
        if (path.startsWith('~'))
          this.problems.push(`${pathAt}: regex paths are not supported by the local gateway`);
        else if (!literalPath.test(path))
          this.problems.push(
            `${pathAt}: '${path}' must be a literal path (letters, digits, . _ ~ - /)`,
          );
        else if (
          reservedPrefixes.some((reserved) => path === reserved || path.startsWith(`${reserved}/`))
        ) {
          this.problems.push(`${pathAt}: '${path}' is served by the gateway itself`);
        }
        const key = `${path.replace(/\/+$/, '')}|${(asStrings(raw['methods']) ?? ['*']).join(',')}`;
        const owner = seenPaths.get(key);
        if (owner) this.problems.push(`${pathAt}: path '${path}' is already routed by '${owner}'`);
        seenPaths.set(key, name);
      });
      routes.push({
        name,
        service,
        paths,
        methods: asStrings(raw['methods']),
        stripPath: asBoolean(raw['strip_path']) ?? true, // Kong's default
        tags: asStrings(raw['tags']) ?? [],
        plugins: resolvePlugins(byScope, `route:${name}`, `service:${service.name}`),
      });
    }
    for (const scope of byScope.keys()) {
      if (scope.startsWith('route:') && !routeNames.has(scope.slice(6)))
        this.problems.push(`plugin attached to unknown ${scope}`);
      if (scope.startsWith('service:') && !services.has(scope.slice(8)))
        this.problems.push(`plugin attached to unknown ${scope}`);
    }

    const correlationScopes = [...byScope.entries()].filter(
      ([scope, plugins]) => scope !== 'global' && plugins.correlationId,
    );
    if (correlationScopes.length > 0) {
      this.warnings.push(
        'correlation-id on a route or service: the local gateway applies only the global instance',
      );
    }

    const jwtCredentials = this.jwtCredentials(document);
    if (routes.some((route) => route.plugins.jwt) && jwtCredentials.length === 0) {
      this.problems.push(
        'consumers: routes use the jwt plugin but no consumer has jwt_secrets, so Kong would reject every token',
      );
    }
    if (this.problems.length > 0) throw new KongConfigError(this.sourcePath, this.problems);
    return {
      sourcePath: this.sourcePath,
      services: [...services.values()],
      routes,
      globalPlugins: byScope.get('global') ?? {},
      jwtCredentials,
      warnings: this.warnings,
    };
  }

  private service(raw: Raw, at: string): KongService | undefined {
    const name = asString(raw['name']);
    if (!name) {
      this.problems.push(`${at}.name: the local gateway needs named services`);
      return undefined;
    }
    let protocol = asString(raw['protocol']) ?? 'http';
    let host = asString(raw['host']);
    let port = asNumber(raw['port']);
    let path = asString(raw['path']);
    const url = asString(raw['url']);
    if (url) {
      const parsed = new URL(url);
      protocol = parsed.protocol.replace(/:$/, '');
      host = parsed.hostname;
      port = parsed.port ? Number(parsed.port) : undefined;
      path = parsed.pathname;
    }
    if (protocol !== 'http' && protocol !== 'https') {
      this.problems.push(
        `${at}: protocol '${protocol}' is not supported by the local gateway (http, https)`,
      );
      return undefined;
    }
    if (!host) {
      this.problems.push(`${at}: no host`);
      return undefined;
    }
    return {
      name,
      protocol,
      host,
      port: port ?? (protocol === 'https' ? 443 : 80),
      path: path === '/' ? undefined : path?.replace(/\/+$/, ''),
      retries: asNumber(raw['retries']) ?? 5,
      connectTimeoutMs: asNumber(raw['connect_timeout']) ?? 60000,
      writeTimeoutMs: asNumber(raw['write_timeout']) ?? 60000,
      readTimeoutMs: asNumber(raw['read_timeout']) ?? 60000,
      tlsVerify: asBoolean(raw['tls_verify']),
      tags: asStrings(raw['tags']) ?? [],
    };
  }

  private pluginsByScope(attachments: RawPluginAttachment[]): Map<PluginScope, GatewayPlugins> {
    const byScope = new Map<PluginScope, GatewayPlugins>();
    for (const { raw, scope, at } of attachments) {
      if (asBoolean(raw['enabled']) === false) continue;
      const plugins = byScope.get(scope) ?? {};
      byScope.set(scope, plugins);
      const config = asRecord(raw['config']);
      const name = asString(raw['name']) ?? '';
      const slot = slotOf(name);
      if (!slot) {
        this.warnings.push(`${at}: plugin '${name}' is not implemented by the local gateway`);
        continue;
      }
      if (plugins[slot]) {
        this.problems.push(`${at}: a second '${name}' plugin on ${scope}`);
        continue;
      }
      attachPlugin(plugins, slot, config, scope);
    }
    return byScope;
  }

  private jwtCredentials(document: Raw): KongJwtCredential[] {
    return asArray(document['consumers']).flatMap((value) => {
      const consumer = asRecord(value);
      const consumerName = asString(consumer['username']) ?? asString(consumer['custom_id']) ?? '';
      return asArray(consumer['jwt_secrets']).flatMap((secretValue, index) => {
        const secret = asRecord(secretValue);
        const key = asString(secret['key']);
        if (!key) {
          // Kong would generate one, and no token could name it.
          this.warnings.push(
            `consumers '${consumerName}' jwt_secrets[${index}]: no key, so no token can match it`,
          );
          return [];
        }
        return [
          {
            consumer: consumerName,
            key,
            algorithm: asString(secret['algorithm']) ?? 'HS256',
            unrenderedVariable: unrenderedDeckVariable(key),
          },
        ];
      });
    });
  }
}

type PluginSlot = keyof GatewayPlugins;

function slotOf(pluginName: string): PluginSlot | undefined {
  const slots: Record<string, PluginSlot> = {
    'correlation-id': 'correlationId',
    cors: 'cors',
    'request-size-limiting': 'requestSizeLimiting',
    'rate-limiting': 'rateLimiting',
    jwt: 'jwt',
  };
  return slots[pluginName];
}

/** Kong's precedence: the route's own instance, else its service's, else the global one. */
function resolvePlugins(
  byScope: Map<PluginScope, GatewayPlugins>,
  routeScope: PluginScope,
  serviceScope: PluginScope,
): GatewayPlugins {
  const route = byScope.get(routeScope) ?? {};
  const service = byScope.get(serviceScope) ?? {};
  const global = byScope.get('global') ?? {};
  return {
    correlationId: global.correlationId,
    cors: route.cors ?? service.cors ?? global.cors,
    requestSizeLimiting:
      route.requestSizeLimiting ?? service.requestSizeLimiting ?? global.requestSizeLimiting,
    rateLimiting: route.rateLimiting ?? service.rateLimiting ?? global.rateLimiting,
    jwt: route.jwt ?? service.jwt ?? global.jwt,
  };
}

const allMethods = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'];

/** Applies Kong's schema defaults to an (already schema-valid) plugin config and attaches it. */
function attachPlugin(
  plugins: GatewayPlugins,
  slot: PluginSlot,
  config: Raw,
  scope: PluginScope,
): void {
  switch (slot) {
    case 'correlationId':
      plugins.correlationId = {
        scope,
        config: {
          headerName: asString(config['header_name']) ?? 'Kong-Request-ID',
          generator: (asString(config['generator']) ??
            'uuid#counter') as CorrelationIdConfig['generator'],
          echoDownstream: asBoolean(config['echo_downstream']) ?? false,
        },
      };
      return;
    case 'cors':
      plugins.cors = {
        scope,
        config: {
          origins: asStrings(config['origins']) ?? [],
          methods: asStrings(config['methods']) ?? allMethods,
          headers: asStrings(config['headers']),
          exposedHeaders: asStrings(config['exposed_headers']),
          maxAge: asNumber(config['max_age']),
          credentials: asBoolean(config['credentials']) ?? false,
          preflightContinue: asBoolean(config['preflight_continue']) ?? false,
        },
      };
      return;
    case 'requestSizeLimiting': {
      const unit = (asString(config['size_unit']) ?? 'megabytes') as keyof typeof unitBytes;
      plugins.requestSizeLimiting = {
        scope,
        config: {
          allowedBytes: (asNumber(config['allowed_payload_size']) ?? 128) * unitBytes[unit],
          requireContentLength: asBoolean(config['require_content_length']) ?? false,
        },
      };
      return;
    }
    case 'rateLimiting':
      plugins.rateLimiting = {
        scope,
        config: {
          limits: ratePeriods.flatMap((period) => {
            const limit = asNumber(config[period]);
            return limit === undefined ? [] : [{ period, limit }];
          }),
          limitBy: (asString(config['limit_by']) ?? 'consumer') as RateLimitingConfig['limitBy'],
          headerName: asString(config['header_name']),
          path: asString(config['path']),
          policy: (asString(config['policy']) ?? 'local') as RateLimitingConfig['policy'],
          faultTolerant: asBoolean(config['fault_tolerant']) ?? true,
          hideClientHeaders: asBoolean(config['hide_client_headers']) ?? false,
          errorCode: asNumber(config['error_code']) ?? 429,
          errorMessage: asString(config['error_message']) ?? 'API rate limit exceeded',
          redisTimeoutMs: asNumber(asRecord(config['redis'])['timeout']) ?? 2000,
          syncRateSeconds: asNumber(config['sync_rate']) ?? -1,
        },
      };
      return;
    case 'jwt':
      plugins.jwt = {
        scope,
        config: {
          headerNames: asStrings(config['header_names']) ?? ['authorization'],
          uriParamNames: asStrings(config['uri_param_names']) ?? ['jwt'],
          cookieNames: asStrings(config['cookie_names']) ?? [],
          keyClaimName: asString(config['key_claim_name']) ?? 'iss',
          claimsToVerify: (asStrings(config['claims_to_verify']) ??
            []) as JwtConfig['claimsToVerify'],
          runOnPreflight: asBoolean(config['run_on_preflight']) ?? true,
          maximumExpiration: asNumber(config['maximum_expiration']) ?? 0,
          realm: asString(config['realm']),
        },
      };
  }
}

/** True when a request on this route must carry a valid token at the edge. */
export function isProtected(route: KongRoute): boolean {
  return route.plugins.jwt !== undefined;
}
