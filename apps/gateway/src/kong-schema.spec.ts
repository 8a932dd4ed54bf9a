import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { pluginSchemas, validateKongSchema } from './kong-schema';

/**
 * Kong-faithfulness: our stand-in for `deck gateway validate`, since neither Kong nor decK runs here. The
 * repository's kong.yml must use only plugins and fields Kong 3 accepts (as allowlisted in kong-schema.ts), and
 * the checker must catch the mistakes Kong would refuse at load time.
 */
const kongYml = readFileSync(
  join(__dirname, '..', '..', '..', 'deploy', 'kong', 'kong.yml'),
  'utf8',
);

function violations(text: string): string[] {
  return validateKongSchema(parse(text)).map((v) => `${v.path}: ${v.message}`);
}

const withPlugin = (plugin: string) => `_format_version: "3.0"\nplugins:\n${plugin}`;

describe(validateKongSchema.name, () => {
  it('should find nothing Kong 3 would refuse in deploy/kong/kong.yml', () => {
    expect(violations(kongYml)).toEqual([]);
  });

  it('should use only allowlisted plugins in deploy/kong/kong.yml', () => {
    const used = [...kongYml.matchAll(/- name: ([a-z-]+)\n\s+config:/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(Object.keys(pluginSchemas)).toContain(name);
  });

  it.each([
    [
      'a misspelt config field',
      withPlugin('  - name: rate-limiting\n    config: { minutes: 5 }'),
      'plugins[0].config.minutes: unknown field',
    ],
    [
      'no period at all',
      withPlugin('  - name: rate-limiting\n    config: { limit_by: ip }'),
      'at least one of these fields must be non-empty',
    ],
    [
      'a longer period with a lower limit',
      withPlugin('  - name: rate-limiting\n    config: { minute: 10, hour: 5 }'),
      'The limit for hour(5) cannot be lower than the limit for minute(10)',
    ],
    [
      'the cluster policy in DB-less mode',
      withPlugin('  - name: rate-limiting\n    config: { minute: 1, policy: cluster }'),
      'plugins[0].config.policy: expected one of: local, redis',
    ],
    [
      'redis policy without a host',
      withPlugin('  - name: rate-limiting\n    config: { minute: 1, policy: redis }'),
      "plugins[0].config.redis.host: required field missing (policy is 'redis')",
    ],
    [
      'a size unit Kong does not know',
      withPlugin(
        '  - name: request-size-limiting\n    config: { allowed_payload_size: 1, size_unit: MB }',
      ),
      'expected one of: megabytes, kilobytes, bytes',
    ],
    [
      'a claim jwt cannot verify',
      withPlugin('  - name: jwt\n    config: { claims_to_verify: [iat] }'),
      'plugins[0].config.claims_to_verify[0]: expected one of: exp, nbf',
    ],
    [
      'maximum_expiration without exp',
      withPlugin('  - name: jwt\n    config: { maximum_expiration: 60 }'),
      "must contain 'exp' when maximum_expiration is set",
    ],
    [
      'an invalid cors origin regex',
      withPlugin('  - name: cors\n    config: { origins: ["https://(.*"] }'),
      'is not a valid regex',
    ],
    [
      'a correlation-id generator Kong lacks',
      withPlugin('  - name: correlation-id\n    config: { generator: ulid }'),
      'expected one of: uuid, uuid#counter, tracker',
    ],
    ['an unquoted format version', '_format_version: 3.0', '_format_version: expected "3.0"'],
    [
      'an unknown route field',
      '_format_version: "3.0"\nservices:\n  - name: a\n    url: http://a:1\n    routes: [{ name: r, paths: [/a], strip: false }]',
      'services[0].routes[0].strip: unknown field',
    ],
    [
      'a route that matches nothing',
      '_format_version: "3.0"\nservices:\n  - name: a\n    url: http://a:1\n    routes: [{ name: r }]',
      "must set one of 'methods', 'hosts', 'paths'",
    ],
    [
      'a name with a space',
      '_format_version: "3.0"\nservices:\n  - name: auth service\n    url: http://a:1',
      "services[0].name: invalid value 'auth service'",
    ],
    [
      'a tag with a comma',
      '_format_version: "3.0"\nservices:\n  - name: a\n    url: http://a:1\n    tags: ["a,b"]',
      "services[0].tags[0]: invalid value 'a,b'",
    ],
    [
      'an RS256 credential with a vault reference Kong does not resolve in that field',
      '_format_version: "3.0"\nconsumers:\n  - username: c\n    jwt_secrets: [{ key: k, algorithm: RS256, rsa_public_key: "{vault://env/key}" }]',
      'consumers[0].jwt_secrets[0].rsa_public_key: invalid key',
    ],
    [
      'an RS256 credential without a key',
      '_format_version: "3.0"\nconsumers:\n  - username: c\n    jwt_secrets: [{ key: k, algorithm: RS256 }]',
      "rsa_public_key: required field missing (algorithm is 'RS256')",
    ],
    [
      'a consumer without a name',
      '_format_version: "3.0"\nconsumers:\n  - tags: [x]',
      "at least one of these fields must be non-empty: 'custom_id', 'username'",
    ],
  ])('should refuse %s', (_case, text, expected) => {
    expect(violations(text).join('\n')).toContain(expected);
  });
});
