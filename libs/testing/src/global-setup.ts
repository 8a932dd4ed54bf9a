import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Jest global setup for integration and system tests: one shared real infrastructure per run.
 * `infra.sh up` is idempotent and reuses whatever already runs, so this costs little when warm.
 */
export default function globalSetup(): void {
  if (process.env['CARELOOP_INFRA_READY'] === '1') return;
  const root = join(__dirname, '..', '..', '..');
  execFileSync('bash', [join(root, 'scripts/infra/infra.sh'), 'up'], {
    stdio: 'inherit',
    cwd: root,
  });
  process.env['CARELOOP_INFRA_READY'] = '1';
}
