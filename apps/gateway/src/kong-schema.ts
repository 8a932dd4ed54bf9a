/**
 * A hand-maintained subset of Kong 3's declarative schema: the entities, fields and plugins that CareLoop's
 * kong.yml may use, with the value rules Kong enforces on them.
 *
 * Kong and decK cannot be installed on these machines, so this is our stand-in for `deck gateway validate`: the
 * local gateway refuses a kong.yml that breaks it (as Kong would refuse to load it) and a unit spec runs it over
 * the repository's file. Field lists follow Kong 3.9's `kong/db/schema/entities/*.lua` and
 * `kong/plugins/<name>/schema.lua`. Using another plugin or field means adding it here first, after reading its
 * schema.lua — that is the point: nothing reaches Kong that nobody checked.
 */

export type FieldSpec =
  | {
      readonly type: 'string';
      readonly oneOf?: readonly string[];
      readonly pattern?: RegExp;
      readonly check?: (value: string) => string | undefined;
    }
  | {
      readonly type: 'integer' | 'number';
      readonly min?: number;
      readonly max?: number;
      readonly gt?: number;
    }
  | { readonly type: 'boolean' }
  | { readonly type: 'array' | 'set'; readonly elements: FieldSpec }
  | { readonly type: 'record'; readonly fields: Readonly<Record<string, FieldSpec>> };

export interface KongSchemaViolation {
  /** Where in the file, e.g. `services[0].routes[1].plugins[0].config.minute`. */
  path: string;
  message: string;
}

const httpMethods = [
  'GET',
  'HEAD',
  'PUT',
  'PATCH',
  'POST',
  'DELETE',
  'OPTIONS',
  'TRACE',
  'CONNECT',
] as const;
const plainString: FieldSpec = { type: 'string' };
const boolean: FieldSpec = { type: 'boolean' };
const timeout: FieldSpec = { type: 'integer', min: 1, max: 2 ** 31 - 2 };
const port: FieldSpec = { type: 'integer', min: 0, max: 65535 };
/** typedefs.utf8_name: alphanumerics and `.-_~`. */
const name: FieldSpec = { type: 'string', pattern: /^[A-Za-z0-9._~-]+$/ };
/** typedefs.tags: printable ASCII except `,` and `/`. */
const tags: FieldSpec = {
  type: 'set',
  elements: { type: 'string', pattern: /^[\x20-\x2b\x2d\x2e\x30-\x7e]+$/ },
};
const headerName: FieldSpec = { type: 'string', pattern: /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/ };
/** typedefs.host: a hostname or an IP address. */
const host: FieldSpec = { type: 'string', pattern: /^[A-Za-z0-9.-]+$|^\[?[0-9A-Fa-f:]+\]?$/ };
const stringSet: FieldSpec = { type: 'set', elements: plainString };

function regexOrAsterisk(value: string): string | undefined {
  if (value === '*') return undefined;
  try {
    new RegExp(value);
    return undefined;
  } catch {
    return `'${value}' is not a valid regex`;
  }
}

/** Plugin name -> the fields of its `config` record. */
export const pluginSchemas: Readonly<Record<string, Readonly<Record<string, FieldSpec>>>> = {
  'correlation-id': {
    header_name: plainString,
    generator: { type: 'string', oneOf: ['uuid', 'uuid#counter', 'tracker'] },
    echo_downstream: boolean,
  },
  cors: {
    origins: { type: 'array', elements: { type: 'string', check: regexOrAsterisk } },
    headers: { type: 'array', elements: plainString },
    exposed_headers: { type: 'array', elements: plainString },
    methods: { type: 'array', elements: { type: 'string', oneOf: httpMethods } },
    max_age: { type: 'number' },
    credentials: boolean,
    private_network: boolean,
    preflight_continue: boolean,
    allow_origin_absent: boolean,
  },
  'request-size-limiting': {
    allowed_payload_size: { type: 'integer' },
    size_unit: { type: 'string', oneOf: ['megabytes', 'kilobytes', 'bytes'] },
    require_content_length: boolean,
  },
  'rate-limiting': {
    second: { type: 'number', gt: 0 },
    minute: { type: 'number', gt: 0 },
    hour: { type: 'number', gt: 0 },
    day: { type: 'number', gt: 0 },
    month: { type: 'number', gt: 0 },
    year: { type: 'number', gt: 0 },
    limit_by: {
      type: 'string',
      oneOf: ['consumer', 'credential', 'ip', 'service', 'header', 'path'],
    },
    header_name: headerName,
    path: { type: 'string', pattern: /^\// },
    // DB-less Kong has no `cluster` policy (it needs a database).
    policy: { type: 'string', oneOf: ['local', 'redis'] },
    fault_tolerant: boolean,
    redis: {
      type: 'record',
      fields: {
        host,
        port,
        timeout,
        username: plainString,
        password: plainString,
        database: { type: 'integer' },
        ssl: boolean,
        ssl_verify: boolean,
        server_name: plainString,
      },
    },
    hide_client_headers: boolean,
    error_code: { type: 'number', gt: 0 },
    error_message: plainString,
    sync_rate: { type: 'number' },
  },
  jwt: {
    uri_param_names: stringSet,
    cookie_names: stringSet,
    key_claim_name: plainString,
    secret_is_base64: boolean,
    claims_to_verify: { type: 'set', elements: { type: 'string', oneOf: ['exp', 'nbf'] } },
    anonymous: plainString,
    run_on_preflight: boolean,
    maximum_expiration: { type: 'number', min: 0, max: 31536000 },
    header_names: stringSet,
    realm: plainString,
  },
};

const protocols: FieldSpec = {
  type: 'set',
  elements: { type: 'string', oneOf: ['http', 'https', 'grpc', 'grpcs'] },
};

/** Fields of a plugin entity; `config` is checked against pluginSchemas. */
const pluginFields: Readonly<Record<string, FieldSpec | 'config'>> = {
  name: plainString,
  instance_name: name,
  config: 'config',
  enabled: boolean,
  protocols,
  tags,
};
/** A top-level plugin may name what it attaches to. */
const topLevelPluginFields: Readonly<Record<string, FieldSpec | 'config'>> = {
  ...pluginFields,
  route: plainString,
  service: plainString,
  consumer: plainString,
};

const routeFields: Readonly<Record<string, FieldSpec | 'plugins'>> = {
  name,
  paths: { type: 'array', elements: { type: 'string', pattern: /^(\/|~\/)/ } },
  methods: { type: 'set', elements: { type: 'string', pattern: /^[A-Z]+$/ } },
  hosts: stringSet,
  protocols,
  strip_path: boolean,
  preserve_host: boolean,
  regex_priority: { type: 'integer' },
  path_handling: { type: 'string', oneOf: ['v0', 'v1'] },
  https_redirect_status_code: { type: 'integer', min: 301, max: 426 },
  request_buffering: boolean,
  response_buffering: boolean,
  tags,
  plugins: 'plugins',
};

const serviceFields: Readonly<Record<string, FieldSpec | 'plugins' | 'routes'>> = {
  name,
  url: { type: 'string', pattern: /^(https?|grpcs?|tcp|tls|udp|wss?):\/\/[^\s/]+(\/\S*)?$/ },
  protocol: {
    type: 'string',
    oneOf: ['http', 'https', 'grpc', 'grpcs', 'tcp', 'tls', 'udp', 'ws', 'wss'],
  },
  host,
  port,
  path: { type: 'string', pattern: /^\// },
  retries: { type: 'integer', min: 0, max: 32767 },
  connect_timeout: timeout,
  write_timeout: timeout,
  read_timeout: timeout,
  tls_verify: boolean,
  enabled: boolean,
  tags,
  routes: 'routes',
  plugins: 'plugins',
};

const jwtSecretFields: Readonly<Record<string, FieldSpec>> = {
  key: plainString,
  secret: plainString,
  rsa_public_key: plainString,
  algorithm: {
    type: 'string',
    oneOf: [
      'HS256',
      'HS384',
      'HS512',
      'RS256',
      'RS384',
      'RS512',
      'ES256',
      'ES384',
      'ES512',
      'PS256',
      'PS384',
      'PS512',
      'EdDSA',
    ],
  },
  tags,
};

const consumerFields: Readonly<Record<string, FieldSpec | 'plugins' | 'jwt_secrets'>> = {
  username: plainString,
  custom_id: plainString,
  tags,
  jwt_secrets: 'jwt_secrets',
  plugins: 'plugins',
};

const topLevelFields = [
  '_format_version',
  '_transform',
  'services',
  'routes',
  'consumers',
  'plugins',
] as const;

type Raw = Record<string, unknown>;

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'a map' : `${typeof value} ${JSON.stringify(value)}`;
}

/** Checks one value against a field spec, appending violations. */
function checkField(
  spec: FieldSpec,
  value: unknown,
  path: string,
  out: KongSchemaViolation[],
): void {
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string')
        return void out.push({ path, message: `expected a string, got ${describeValue(value)}` });
      if (spec.oneOf && !spec.oneOf.includes(value)) {
        out.push({ path, message: `expected one of: ${spec.oneOf.join(', ')}` });
      }
      if (spec.pattern && !spec.pattern.test(value))
        out.push({ path, message: `invalid value '${value}'` });
      if (spec.check) {
        const problem = spec.check(value);
        if (problem) out.push({ path, message: problem });
      }
      return;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || Number.isNaN(value)) {
        return void out.push({
          path,
          message: `expected a ${spec.type}, got ${describeValue(value)}`,
        });
      }
      if (spec.type === 'integer' && !Number.isInteger(value))
        out.push({ path, message: 'expected an integer' });
      if (spec.min !== undefined && value < spec.min)
        out.push({ path, message: `value should be at least ${spec.min}` });
      if (spec.max !== undefined && value > spec.max)
        out.push({ path, message: `value should be at most ${spec.max}` });
      if (spec.gt !== undefined && value <= spec.gt)
        out.push({ path, message: `value must be greater than ${spec.gt}` });
      return;
    case 'boolean':
      if (typeof value !== 'boolean')
        out.push({ path, message: `expected a boolean, got ${describeValue(value)}` });
      return;
    case 'array':
    case 'set':
      if (!Array.isArray(value))
        return void out.push({ path, message: `expected an array, got ${describeValue(value)}` });
      value.forEach((element, index) =>
        checkField(spec.elements, element, `${path}[${index}]`, out),
      );
      if (
        spec.type === 'set' &&
        new Set(value.map((v) => JSON.stringify(v))).size !== value.length
      ) {
        out.push({ path, message: 'a set must not repeat an element' });
      }
      return;
    case 'record':
      if (!isRecord(value))
        return void out.push({ path, message: `expected a map, got ${describeValue(value)}` });
      for (const [key, child] of Object.entries(value)) {
        const childSpec = spec.fields[key];
        if (!childSpec) out.push({ path: `${path}.${key}`, message: 'unknown field' });
        else checkField(childSpec, child, `${path}.${key}`, out);
      }
  }
}

const ratePeriods = ['second', 'minute', 'hour', 'day', 'month', 'year'] as const;

/** The entity_checks and custom validators of the plugins we allow, as Kong runs them. */
function checkPluginEntity(
  pluginName: string,
  config: Raw,
  path: string,
  out: KongSchemaViolation[],
): void {
  if (pluginName === 'rate-limiting') {
    const limits = ratePeriods
      .map((period) => [period, config[period]] as const)
      .filter(([, v]) => typeof v === 'number');
    if (limits.length === 0) {
      out.push({
        path,
        message: `at least one of these fields must be non-empty: ${ratePeriods.map((p) => `'config.${p}'`).join(', ')}`,
      });
    }
    limits.forEach(([lowerPeriod, lower], index) => {
      for (const [upperPeriod, upper] of limits.slice(index + 1)) {
        if ((upper as number) < (lower as number)) {
          out.push({
            path,
            message: `The limit for ${upperPeriod}(${String(upper)}) cannot be lower than the limit for ${lowerPeriod}(${String(lower)})`,
          });
        }
      }
    });
    const policy = config['policy'] ?? 'local';
    if (policy === 'redis') {
      const redis = isRecord(config['redis']) ? config['redis'] : {};
      if (typeof redis['host'] !== 'string')
        out.push({
          path: `${path}.redis.host`,
          message: "required field missing (policy is 'redis')",
        });
    }
    if (config['sync_rate'] !== undefined && config['sync_rate'] !== -1 && policy !== 'redis') {
      out.push({
        path: `${path}.sync_rate`,
        message: 'sync_rate can only be used with the redis policy',
      });
    }
    if (config['limit_by'] === 'header' && config['header_name'] === undefined) {
      out.push({
        path: `${path}.header_name`,
        message: "required field missing (limit_by is 'header')",
      });
    }
    if (config['limit_by'] === 'path' && config['path'] === undefined) {
      out.push({ path: `${path}.path`, message: "required field missing (limit_by is 'path')" });
    }
  }
  if (pluginName === 'jwt') {
    const maximumExpiration = config['maximum_expiration'];
    const claims = Array.isArray(config['claims_to_verify']) ? config['claims_to_verify'] : [];
    if (typeof maximumExpiration === 'number' && maximumExpiration > 0 && !claims.includes('exp')) {
      out.push({
        path: `${path}.claims_to_verify`,
        message: "must contain 'exp' when maximum_expiration is set",
      });
    }
  }
}

function checkPlugins(
  value: unknown,
  path: string,
  topLevel: boolean,
  out: KongSchemaViolation[],
): void {
  if (value === undefined) return;
  if (!Array.isArray(value))
    return void out.push({ path, message: `expected an array, got ${describeValue(value)}` });
  const fields = topLevel ? topLevelPluginFields : pluginFields;
  value.forEach((plugin: unknown, index) => {
    const at = `${path}[${index}]`;
    if (!isRecord(plugin))
      return void out.push({ path: at, message: `expected a map, got ${describeValue(plugin)}` });
    const pluginName = plugin['name'];
    if (typeof pluginName !== 'string')
      return void out.push({ path: `${at}.name`, message: 'required field missing' });
    const configFields = pluginSchemas[pluginName];
    if (!configFields) {
      out.push({
        path: `${at}.name`,
        message: `plugin '${pluginName}' is not in the allowlist of apps/gateway/src/kong-schema.ts`,
      });
      return;
    }
    for (const [key, child] of Object.entries(plugin)) {
      const spec = fields[key];
      if (!spec) out.push({ path: `${at}.${key}`, message: 'unknown field' });
      else if (spec === 'config')
        checkField({ type: 'record', fields: configFields }, child, `${at}.config`, out);
      else checkField(spec, child, `${at}.${key}`, out);
    }
    checkPluginEntity(
      pluginName,
      isRecord(plugin['config']) ? plugin['config'] : {},
      `${at}.config`,
      out,
    );
  });
}

function checkRoutes(
  value: unknown,
  path: string,
  topLevel: boolean,
  out: KongSchemaViolation[],
): void {
  if (value === undefined) return;
  if (!Array.isArray(value))
    return void out.push({ path, message: `expected an array, got ${describeValue(value)}` });
  value.forEach((route: unknown, index) => {
    const at = `${path}[${index}]`;
    if (!isRecord(route))
      return void out.push({ path: at, message: `expected a map, got ${describeValue(route)}` });
    for (const [key, child] of Object.entries(route)) {
      const spec = key === 'service' && topLevel ? plainString : routeFields[key];
      if (!spec) out.push({ path: `${at}.${key}`, message: 'unknown field' });
      else if (spec === 'plugins') checkPlugins(child, `${at}.plugins`, false, out);
      else checkField(spec, child, `${at}.${key}`, out);
    }
    const matchers = ['paths', 'hosts', 'methods'].filter(
      (key) => Array.isArray(route[key]) && (route[key] as unknown[]).length > 0,
    );
    if (matchers.length === 0)
      out.push({
        path: at,
        message: "must set one of 'methods', 'hosts', 'paths' when 'protocols' is 'http'",
      });
  });
}

/** Validates a parsed kong.yml against the allowlisted subset of Kong 3's declarative schema. */
export function validateKongSchema(document: unknown): KongSchemaViolation[] {
  const out: KongSchemaViolation[] = [];
  if (!isRecord(document))
    return [{ path: '(root)', message: `expected a map, got ${describeValue(document)}` }];
  for (const key of Object.keys(document)) {
    if (!(topLevelFields as readonly string[]).includes(key))
      out.push({ path: key, message: 'unknown top-level field' });
  }
  if (document['_format_version'] !== '3.0') {
    out.push({ path: '_format_version', message: 'expected "3.0" (a quoted string) for Kong 3.x' });
  }
  if (document['_transform'] !== undefined)
    checkField(boolean, document['_transform'], '_transform', out);
  checkPlugins(document['plugins'], 'plugins', true, out);
  checkRoutes(document['routes'], 'routes', true, out);

  const services = document['services'];
  if (services !== undefined && !Array.isArray(services))
    out.push({ path: 'services', message: 'expected an array' });
  (Array.isArray(services) ? services : []).forEach((service: unknown, index) => {
    const at = `services[${index}]`;
    if (!isRecord(service))
      return void out.push({ path: at, message: `expected a map, got ${describeValue(service)}` });
    for (const [key, child] of Object.entries(service)) {
      const spec = serviceFields[key];
      if (!spec) out.push({ path: `${at}.${key}`, message: 'unknown field' });
      else if (spec === 'plugins') checkPlugins(child, `${at}.plugins`, false, out);
      else if (spec === 'routes') checkRoutes(child, `${at}.routes`, false, out);
      else checkField(spec, child, `${at}.${key}`, out);
    }
    if (service['url'] === undefined && service['host'] === undefined) {
      out.push({ path: at, message: "either 'url' or 'host' is required" });
    }
  });

  const consumers = document['consumers'];
  if (consumers !== undefined && !Array.isArray(consumers))
    out.push({ path: 'consumers', message: 'expected an array' });
  (Array.isArray(consumers) ? consumers : []).forEach((consumer: unknown, index) => {
    const at = `consumers[${index}]`;
    if (!isRecord(consumer))
      return void out.push({ path: at, message: `expected a map, got ${describeValue(consumer)}` });
    for (const [key, child] of Object.entries(consumer)) {
      const spec = consumerFields[key];
      if (!spec) out.push({ path: `${at}.${key}`, message: 'unknown field' });
      else if (spec === 'plugins') checkPlugins(child, `${at}.plugins`, false, out);
      else if (spec === 'jwt_secrets') {
        if (!Array.isArray(child))
          out.push({ path: `${at}.jwt_secrets`, message: 'expected an array' });
        else child.forEach((secret, i) => checkJwtSecret(secret, `${at}.jwt_secrets[${i}]`, out));
      } else checkField(spec, child, `${at}.${key}`, out);
    }
    if (consumer['username'] === undefined && consumer['custom_id'] === undefined) {
      out.push({
        path: at,
        message: "at least one of these fields must be non-empty: 'custom_id', 'username'",
      });
    }
  });
  return out;
}

/** A decK environment template (`${{ env "DECK_..." }}`), rendered before Kong reads the file. */
export const deckEnvTemplate = /^\$\{\{\s*env\s+"DECK_[A-Z0-9_]+"\s*(\|\s*printf\s+"%q"\s*)?\}\}$/;

function checkJwtSecret(secret: unknown, at: string, out: KongSchemaViolation[]): void {
  checkField({ type: 'record', fields: jwtSecretFields }, secret, at, out);
  if (!isRecord(secret)) return;
  const algorithm = typeof secret['algorithm'] === 'string' ? secret['algorithm'] : 'HS256';
  if (/^(RS|PS)\d{3}$|^EdDSA$/.test(algorithm)) {
    const key = secret['rsa_public_key'];
    if (typeof key !== 'string') {
      out.push({
        path: `${at}.rsa_public_key`,
        message: `required field missing (algorithm is '${algorithm}')`,
      });
    } else if (
      !deckEnvTemplate.test(key) &&
      !key.trimStart().startsWith('-----BEGIN PUBLIC KEY-----')
    ) {
      // Kong parses the key when it loads the file; a vault reference is not resolved in this field.
      out.push({
        path: `${at}.rsa_public_key`,
        message: 'invalid key: expected a PEM public key or a decK DECK_* env template',
      });
    }
  }
}
