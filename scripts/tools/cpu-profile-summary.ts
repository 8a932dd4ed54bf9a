/**
 * Where the CPU went, per benchmark phase: reads the V8 `.cpuprofile` files of a directory (written by
 * `node --cpu-prof`, e.g. `BENCH_CPU_PROFILE_DIR=… npm run bench:respondent`) and the `phases.json`
 * the benchmark leaves beside them, and prints the busiest packages and functions (self time) of each
 * process in each phase.
 *
 *   SWC_NODE_PROJECT=tsconfig.json node -r @swc-node/register scripts/tools/cpu-profile-summary.ts <dir> [top]
 *
 * A profile's clock is monotonic; it is aligned to wall time by its file's modification time, which
 * is when the process stopped profiling (give or take the time taken to write the file).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}
interface Phase {
  name: string;
  startedAt: number;
  endedAt: number;
}

/** `node_modules/<package>` for dependencies, the first folders for our own code, else the URL. */
function ownerOf(url: string): string {
  if (!url) return '(native)';
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return dependency[1]!;
  const own = /\/(apps|libs)\/([^/]+)\//.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  return url;
}

function summarize(profile: CpuProfile, endedAtWall: number, phase: Phase, top: number): string {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parents.set(child, node.id);
  const labelOf = (frame: CallFrame) =>
    `${frame.functionName || '(anonymous)'} ${ownerOf(frame.url)}:${frame.lineNumber + 1}`;
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  // Time under each of our own functions (apps/, libs/), callees included: where a request's cost starts.
  const underOwnFunction = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  let time = profile.startTime;
  for (let index = 0; index < profile.samples.length; index += 1) {
    const delta = profile.timeDeltas[index] ?? 0;
    time += delta;
    const wall = endedAtWall - (profile.endTime - time) / 1_000;
    if (wall < phase.startedAt || wall > phase.endedAt) continue;
    const frame = nodes.get(profile.samples[index]!)!.callFrame;
    if (frame.functionName === '(idle)') {
      idle += delta;
      continue;
    }
    busy += delta;
    const owner = ownerOf(frame.url);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + delta);
    const label = labelOf(frame);
    byFunction.set(label, (byFunction.get(label) ?? 0) + delta);
    const seen = new Set<string>();
    for (
      let id: number | undefined = profile.samples[index];
      id !== undefined;
      id = parents.get(id)
    ) {
      const ancestor = nodes.get(id)!.callFrame;
      if (!/\/(apps|libs)\//.test(ancestor.url) || /node_modules/.test(ancestor.url)) continue;
      const ancestorLabel = labelOf(ancestor);
      if (seen.has(ancestorLabel)) continue;
      seen.add(ancestorLabel);
      underOwnFunction.set(ancestorLabel, (underOwnFunction.get(ancestorLabel) ?? 0) + delta);
    }
  }
  const seconds = (phase.endedAt - phase.startedAt) / 1_000;
  const ranked = (entries: Map<string, number>) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([label, micros]) =>
          `    ${((100 * micros) / Math.max(busy, 1)).toFixed(1).padStart(5)}%  ${label}`,
      )
      .join('\n');
  return [
    `  ${phase.name}: ${seconds.toFixed(1)} s, CPU busy ${(busy / 1e6).toFixed(1)} s (${((100 * busy) / Math.max(busy + idle, 1)).toFixed(0)}% of one core), idle ${(idle / 1e6).toFixed(1)} s`,
    '   by package:',
    ranked(byOwner),
    '   by function (self):',
    ranked(byFunction),
    '   under our own functions (callees included):',
    ranked(underOwnFunction),
  ].join('\n');
}

function main(): void {
  const [directory, topArgument] = process.argv.slice(2);
  if (!directory) throw new Error('usage: cpu-profile-summary <directory> [top]');
  const top = Number(topArgument ?? 15);
  const phases = JSON.parse(readFileSync(join(directory, 'phases.json'), 'utf8')) as Phase[];
  for (const file of readdirSync(directory).filter((name) => name.endsWith('.cpuprofile'))) {
    const path = join(directory, file);
    const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
    const topFrame = profile.nodes
      .map((node) => node.callFrame.url)
      .find((url) => /\/apps\/[^/]+\/src\/main\.ts/.test(url));
    console.log(`== ${file}${topFrame ? ` (${/apps\/([^/]+)\//.exec(topFrame)![1]})` : ''}`);
    for (const phase of phases) console.log(summarize(profile, statSync(path).mtimeMs, phase, top));
  }
}

main();
