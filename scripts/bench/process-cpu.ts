import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time used by each part of the system during a benchmark phase, read from /proc: on a shared
 * 2-core machine latency alone cannot say whether the gateway, a service, Postgres, Redis, Kafka or
 * the load generator itself is the cost. Linux only; elsewhere the snapshot is empty.
 */
export type CpuSnapshot = Map<number, { component: string; seconds: number }>;

const ticksPerSecond = 100;

function componentOf(pid: number, commandLine: string): string | undefined {
  if (pid === process.pid) return 'load generator';
  const app = /apps\/([^/]+)\/src\/main\.ts/.exec(commandLine);
  if (app) return app[1];
  if (commandLine.startsWith('postgres')) return 'postgres';
  if (commandLine.includes('redis-server')) return 'redis';
  if (commandLine.includes('kafka.Kafka')) return 'kafka';
  return undefined;
}

export function cpuSnapshot(): CpuSnapshot {
  const snapshot: CpuSnapshot = new Map();
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return snapshot;
  }
  for (const entry of entries) {
    try {
      const pid = Number(entry);
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const component = componentOf(pid, commandLine);
      if (!component) continue;
      // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      snapshot.set(pid, { component, seconds: ticks / ticksPerSecond });
    } catch {
      // The process ended between listing and reading.
    }
  }
  return snapshot;
}

/** CPU seconds per component between two snapshots (processes born in between count from zero). */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): Map<string, number> {
  const used = new Map<string, number>();
  for (const [pid, { component, seconds }] of after) {
    const spent = seconds - (before.get(pid)?.seconds ?? 0);
    used.set(component, (used.get(component) ?? 0) + spent);
  }
  return used;
}

/** `gateway 1.2 ms, feedback-service 3.4 ms, …` per request, busiest first. */
export function describeCpuPerRequest(used: Map<string, number>, requests: number): string {
  const total = [...used.values()].reduce((sum, seconds) => sum + seconds, 0);
  const parts = [...used]
    .filter(([, seconds]) => seconds > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([component, seconds]) => `${component} ${((seconds * 1_000) / requests).toFixed(2)}`);
  return `CPU ms per request: total ${((total * 1_000) / requests).toFixed(2)} = ${parts.join(', ')}`;
}

/** Seconds in a row below the idle threshold that count as settled. */
export const quietWindowSeconds = 3;

/**
 * Waits until the stack is idle (its processes together below `idleCores` for `quietWindowSeconds` in
 * a row), so work left over from setting up (consumers draining the setup's events) is not measured
 * as the cost of the phase that follows. Returns the seconds waited.
 */
export async function waitForQuiescence(idleCores = 0.5, timeoutMs = 300_000): Promise<number> {
  const started = Date.now();
  let quietSeconds = 0;
  let before = cpuSnapshot();
  while (quietSeconds < quietWindowSeconds && Date.now() - started < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = cpuSnapshot();
    const used = [...cpuBetween(before, after).values()].reduce((sum, seconds) => sum + seconds, 0);
    quietSeconds = used < idleCores ? quietSeconds + 1 : 0;
    before = after;
  }
  return (Date.now() - started) / 1_000;
}
