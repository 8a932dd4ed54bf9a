import type { KongService } from './kong-config.types';
import {
  hostOverridePattern,
  parseHostOverride,
  resolveUpstreamOrigin,
} from './upstream-host-override';

const service = (host: string, port: number): KongService => ({
  name: host,
  protocol: 'http',
  host,
  port,
  retries: 0,
  connectTimeoutMs: 1000,
  writeTimeoutMs: 1000,
  readTimeoutMs: 1000,
  tags: [],
});

describe(resolveUpstreamOrigin.name, () => {
  it.each([
    [undefined, 'http://auth-service:3001'],
    ['*=127.0.0.1', 'http://127.0.0.1:3001'],
    ['auth-service=10.0.0.7:4001,*=127.0.0.1', 'http://10.0.0.7:4001'],
    ['*=127.0.0.1,auth-service=localhost', 'http://localhost:3001'],
    ['feedback-service=127.0.0.1', 'http://auth-service:3001'],
  ])('should map auth-service:3001 with %s to %s', (override, expected) => {
    expect(resolveUpstreamOrigin(service('auth-service', 3001), parseHostOverride(override))).toBe(
      expected,
    );
  });

  it.each(['*', '=127.0.0.1', '*=127.0.0.1:99999', 'a=b,', 'a=b c'])(
    'should refuse %s',
    (override) => {
      const valid = hostOverridePattern.test(override);
      const parses = (() => {
        try {
          parseHostOverride(override);
          return true;
        } catch {
          return false;
        }
      })();
      expect(valid && parses).toBe(false);
    },
  );
});
