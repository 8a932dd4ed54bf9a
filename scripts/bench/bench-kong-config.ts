import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { repositoryRoot } from '../local-stack';

/**
 * kong.yml with every rate limit raised far above a benchmark's load: one load-generator address stands
 * for thousands of clients. The plugins still run and still count in Redis, so their cost is measured.
 */
export function benchKongConfig(name: string): string {
  const document = parseDocument(
    readFileSync(join(repositoryRoot, 'deploy/kong/kong.yml'), 'utf8'),
  );
  const raise = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(raise);
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (record['name'] === 'rate-limiting' && typeof record['config'] === 'object') {
      const config = record['config'] as Record<string, unknown>;
      for (const period of ['second', 'minute', 'hour', 'day'])
        if (period in config) config[period] = 100_000_000;
    }
    Object.values(record).forEach(raise);
  };
  const plain = document.toJS() as unknown;
  raise(plain);
  const directory = join(repositoryRoot, '.cache/bench');
  mkdirSync(directory, { recursive: true });
  const path = join(directory, `kong.${name}-bench.yml`);
  writeFileSync(path, stringify(plain));
  return path;
}
