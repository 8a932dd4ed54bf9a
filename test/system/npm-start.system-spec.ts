import { spawn } from 'node:child_process';
import { waitFor } from '@careloop/testing';
import { localStack, repositoryRoot } from '../../scripts/local-stack';

jest.setTimeout(180_000);

const allApps = [...localStack.services, localStack.gateway];

async function answers(port: number, path = '/health/ready'): Promise<number | 'closed'> {
  try {
    return (await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2_000) }))
      .status;
  } catch {
    return 'closed';
  }
}

describe('npm start', () => {
  it('should bring every service and the gateway to ready within 90 s and stop them all on Ctrl-C', async () => {
    for (const app of allApps) expect(await answers(app.port)).toBe('closed');
    const started = Date.now();
    // Its own process group, so the test can press Ctrl-C the way a terminal does: SIGINT to the group.
    const start = spawn('npm', ['start'], {
      cwd: repositoryRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env },
      detached: true,
    });
    const pressCtrlC = () => process.kill(-start.pid!, 'SIGINT');
    let output = '';
    start.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    start.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) =>
      start.on('exit', (code) => resolve(code)),
    );

    await waitFor(
      () => output,
      (text) => text.includes('CareLoop is running') || text.includes('NOT READY'),
      {
        timeoutMs: 150_000,
        intervalMs: 200,
        description: 'npm start to report',
      },
    ).catch((error: Error) => {
      pressCtrlC();
      throw new Error(`${error.message}\n${output}`);
    });
    const readySeconds = (Date.now() - started) / 1000;

    expect(output).not.toContain('NOT READY');
    for (const app of allApps) {
      expect(output).toContain(`http://127.0.0.1:${app.port}`);
      expect(await answers(app.port)).toBe(200);
    }
    expect(readySeconds).toBeLessThan(90 + 30); // 90 s for the apps, plus infra:up when warm
    expect(await answers(localStack.gateway.port, '/api/analytics/nothing-here')).not.toBe(
      'closed',
    );

    pressCtrlC();
    await exited; // npm itself dies of the SIGINT, as in a terminal; start.ts finishes the stop
    await waitFor(
      () => output,
      (text) => text.includes('all CareLoop processes stopped'),
      { timeoutMs: 30_000, description: 'a clean stop' },
    );
    for (const app of allApps) expect(await answers(app.port)).toBe('closed');
  });
});
