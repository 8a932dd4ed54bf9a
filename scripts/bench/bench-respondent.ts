/**
 * bench:respondent — the patient's hot path through the gateway. Starts the whole mesh (as the E2E tests do),
 * opens sessions through the real intake, then:
 *  1. at a fixed 200 requests/s (open loop): p50/p95/p99 of GET /r/{token}, PUT /r/{token}/draft and
 *     POST /r/{token}/submit, each for 10 s after 2 s of unmeasured warm-up on sessions of its own;
 *  2. submissions at rising concurrency (closed loop, a fresh session per submission): submissions/s and the
 *     highest rate sustained with zero errors.
 * One load generator address stands for thousands of patients, so the gateway runs a copy of kong.yml whose
 * rate limits are raised (the plugins still run and still count in Redis).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import { Pool } from 'undici';
import { performance } from 'node:perf_hooks';
import { CareLoopClient } from '../../test/e2e/support/careloop-client';
import { startCareLoopStack } from '../../test/e2e/support/careloop-stack';
import { EventTap } from '../../test/e2e/support/event-tap';
import { benchKongConfig } from './bench-kong-config';
import { cleanBroker } from './clean-broker';
import {
  cpuBetween,
  cpuSnapshot,
  describeCpuPerRequest,
  quietWindowSeconds,
  waitForQuiescence,
} from './process-cpu';

const fixedRate = 200;
const phaseSeconds = 10;
/**
 * Each fixed-rate phase is preceded by this much of the same load on sessions of its own, not
 * measured: the first requests of a kind compile its code path (V8), fill caches and pools, and
 * would otherwise stand in the percentiles of a 10-second phase as if they were the steady state.
 */
const warmUpSeconds = 2;
const concurrencyLevels = [8, 16, 32, 64, 128, 256];
const submissionsPerLevel = 2_000;

const definition = {
  pages: [
    {
      name: 'p1',
      elements: [
        {
          type: 'rating',
          name: 'nps',
          rateMin: 0,
          rateMax: 10,
          isRequired: true,
          title: 'Recommend us?',
        },
        { type: 'comment', name: 'why', visibleIf: '{nps} <= 6', title: 'What should we improve?' },
        { type: 'rating', name: 'care', rateMin: 1, rateMax: 5, title: 'How was your care?' },
      ],
    },
  ],
};

/**
 * `BENCH_CPU_PROFILE_DIR=/tmp/profiles npm run bench:respondent` writes V8 CPU profiles of the gateway,
 * feedback-service and analytics-service there when the stack stops (open them in Chrome DevTools or speedscope).
 */
function cpuProfileArguments(): string[] {
  const directory = process.env['BENCH_CPU_PROFILE_DIR'];
  return directory ? ['--cpu-prof', `--cpu-prof-dir=${directory}`] : [];
}

/** Wall-clock windows of each phase, written beside the CPU profiles so they can be cut by phase. */
const phases: { name: string; startedAt: number; endedAt: number }[] = [];

/** Runs one phase and prints where its CPU went, per request, by process. */
async function phase<T>(name: string, requests: number, run: () => Promise<T>): Promise<T> {
  const startedAt = Date.now();
  const before = cpuSnapshot();
  try {
    return await run();
  } finally {
    phases.push({ name, startedAt, endedAt: Date.now() });
    cpuReports.push(
      `  ${name}: ${describeCpuPerRequest(cpuBetween(before, cpuSnapshot()), requests)}`,
    );
  }
}

const cpuReports: string[] = [];

/**
 * undici's pool rather than node:http: the load generator shares the two cores with the system it
 * measures, and undici spends about half the CPU per request that http.request does.
 */
let pool: Pool | undefined;

async function call(
  baseUrl: URL,
  method: Dispatcher.HttpMethod,
  path: string,
  body?: unknown,
): Promise<number> {
  pool ??= new Pool(baseUrl.origin, { connections: 256, pipelining: 1 });
  const response = await pool.request({
    method,
    path,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  await response.body.dump();
  return response.statusCode;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function describe(label: string, samples: number[], errors: number, seconds: number): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const f = (value: number) => value.toFixed(1);
  return `${label.padEnd(28)} ${(samples.length / seconds).toFixed(0)} req/s, p50 ${f(percentile(sorted, 50))} ms, p95 ${f(percentile(sorted, 95))} ms, p99 ${f(percentile(sorted, 99))} ms, errors ${errors}`;
}

/** Open loop: one request every 1/rate s whatever the answers, so slow answers cannot slow the load. */
async function atFixedRate(
  rate: number,
  seconds: number,
  send: (index: number) => Promise<number>,
  expected: number,
): Promise<{ samples: number[]; errors: number }> {
  const samples: number[] = [];
  let errors = 0;
  const total = rate * seconds;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let index = 0; index < total; index += 1) {
    const due = started + (index * 1_000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const sent = performance.now();
    inFlight.push(
      send(index).then(
        (status) => {
          if (status === expected) samples.push(performance.now() - sent);
          else errors += 1;
        },
        () => {
          errors += 1;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  return { samples, errors };
}

async function main(): Promise<void> {
  console.log(
    'bench:respondent  starting the mesh (throwaway databases, own topics, free ports)...',
  );
  await cleanBroker();
  const stack = await startCareLoopStack({
    environment: {
      gateway: {
        KONG_CONFIG_PATH: benchKongConfig('respondent'),
        LOG_LEVEL: 'warn',
      },
    },
    nodeArguments: {
      gateway: cpuProfileArguments(),
      'feedback-service': cpuProfileArguments(),
      'analytics-service': cpuProfileArguments(),
    },
  });
  let tapClosed = false;
  const tap = await EventTap.open(stack.topicPrefix, ['feedback.session.created']);
  try {
    const client = new CareLoopClient(stack.gatewayUrl);
    const admin = await client.signup({ organizationName: 'Bench clinic' });
    await client.waitUntilOrgReadable(admin.orgId!, admin.accessToken);
    const token = admin.accessToken;
    const survey = await client.request<{ surveyId: string }>('POST', '/api/surveys', {
      token,
      body: { title: 'Bench survey', defaultLanguage: 'en', definition },
    });
    await client.request('PUT', `/api/surveys/${survey.body.surveyId}/distribution`, {
      token,
      body: { rules: [{ samplingRate: 1 }] },
    });
    await client.request('POST', `/api/surveys/${survey.body.surveyId}/publish`, { token });
    // Let feedback-service take in the survey before appointments arrive.
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    const sessionsNeeded =
      fixedRate * (phaseSeconds + warmUpSeconds) + concurrencyLevels.length * submissionsPerLevel;
    const started = performance.now();
    const endedAt = new Date(Date.now() - 3_600_000).toISOString();
    for (let offset = 0; offset < sessionsNeeded; offset += 1_000) {
      const batch = Array.from({ length: Math.min(1_000, sessionsNeeded - offset) }, (_, i) => ({
        externalAppointmentId: `BENCH-${offset + i}`,
        patient: {
          externalId: `P-${offset + i}`,
          name: 'Bench Patient',
          email: `patient-${offset + i}@example.org`,
          language: 'en',
        },
        appointment: { type: 'consultation', endedAt },
      }));
      const intake = await client.request('POST', '/api/intake/appointments', {
        token,
        body: batch,
      });
      if (intake.status !== 202)
        throw new Error(`intake answered ${intake.status}: ${intake.text}`);
    }
    await waitForSessions(tap, sessionsNeeded);
    phases.push({
      name: 'setup',
      startedAt: Date.now() - (performance.now() - started),
      endedAt: Date.now(),
    });
    const seconds = (performance.now() - started) / 1_000;
    console.log(
      `setup: ${sessionsNeeded} appointments -> sessions in ${seconds.toFixed(1)} s (${(sessionsNeeded / seconds).toFixed(0)}/s through intake, Kafka and session rules)`,
    );
    const drained = await waitForQuiescence();
    console.log(
      `the stack settled ${drained.toFixed(0)} s after setup (consumers draining its events)`,
    );
    const tokens = tap
      .all('feedback.session.created')
      .map((event) => String(event.data['respondentUrl']).split('/').pop()!);
    // The tap's consumer and its 10,000 events would otherwise stay in the load generator's heap and
    // fetch loop for the whole run, charged to the load it generates.
    await tap.close();
    tapClosed = true;

    const gateway = new URL(stack.gatewayUrl);
    const fixedTokens = tokens.slice(0, fixedRate * phaseSeconds);
    const warmUpTokens = tokens.slice(
      fixedTokens.length,
      fixedRate * (phaseSeconds + warmUpSeconds),
    );
    const answers = { nps: 4, why: 'The wait was long', care: 4 };
    const fixedRatePhases: {
      name: string;
      label: string;
      expected: number;
      send: (token: string) => Promise<number>;
    }[] = [
      {
        name: 'get',
        label: `GET /r/{token} @${fixedRate}/s`,
        expected: 200,
        send: (token) => call(gateway, 'GET', `/r/${token}`),
      },
      {
        name: 'put',
        label: `PUT draft @${fixedRate}/s`,
        expected: 200,
        send: (token) => call(gateway, 'PUT', `/r/${token}/draft`, { answers: { nps: 4 } }),
      },
      {
        name: 'post',
        label: `POST submit @${fixedRate}/s`,
        expected: 201,
        send: (token) => call(gateway, 'POST', `/r/${token}/submit`, { answers }),
      },
    ];
    for (const { name, label, expected, send } of fixedRatePhases) {
      await waitForQuiescence();
      const warmUp = await atFixedRate(
        fixedRate,
        warmUpSeconds,
        (i) => send(warmUpTokens[i]!),
        expected,
      );
      if (warmUp.errors > 0) console.log(`  warm-up of ${name}: ${warmUp.errors} errors`);
      // The warm-up's events (consumers, relay) are not charged to the measured phase.
      await waitForQuiescence();
      const measured = await phase(name, fixedRate * phaseSeconds, () =>
        atFixedRate(fixedRate, phaseSeconds, (i) => send(fixedTokens[i]!), expected),
      );
      console.log(describe(label, measured.samples, measured.errors, phaseSeconds));
    }

    let best = 0;
    let bestEndToEnd = 0;
    let cursor = fixedTokens.length + warmUpTokens.length;
    for (const concurrency of concurrencyLevels) {
      await waitForQuiescence();
      const levelTokens = tokens.slice(cursor, cursor + submissionsPerLevel);
      cursor += submissionsPerLevel;
      const samples: number[] = [];
      let errors = 0;
      let next = 0;
      const levelStarted = performance.now();
      await phase(`submit-${concurrency}`, submissionsPerLevel, () =>
        Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (next < levelTokens.length) {
              const tokenOfSession = levelTokens[next++]!;
              const sent = performance.now();
              const status = await call(gateway, 'POST', `/r/${tokenOfSession}/submit`, {
                answers,
              }).catch(() => 0);
              if (status === 201) samples.push(performance.now() - sent);
              else errors += 1;
            }
          }),
        ),
      );
      const levelSeconds = (performance.now() - levelStarted) / 1_000;
      console.log(describe(`POST submit, ${concurrency} in flight`, samples, errors, levelSeconds));
      // Accepted is not done: consumers (alerts, analytics, notifications) may still be behind. The
      // level counts as sustained only at the rate the whole stack finished its work.
      const settled = await waitForQuiescence();
      const endToEnd = samples.length / (levelSeconds + Math.max(0, settled - quietWindowSeconds));
      console.log(
        `  consumers settled ${Math.max(0, settled - quietWindowSeconds).toFixed(1)} s after the last answer: ${endToEnd.toFixed(0)} submissions/s end to end`,
      );
      if (errors === 0) {
        best = Math.max(best, samples.length / levelSeconds);
        bestEndToEnd = Math.max(bestEndToEnd, endToEnd);
      }
    }
    console.log(
      `highest sustained submissions/s with zero errors: ${best.toFixed(0)} answered, ${bestEndToEnd.toFixed(0)} end to end (every consumer done)`,
    );
    console.log('where the CPU went (all processes of the stack, the load generator included):');
    for (const report of cpuReports) console.log(report);
  } finally {
    await pool?.close();
    if (!tapClosed) await tap.close();
    await stack.stop();
    const profileDirectory = process.env['BENCH_CPU_PROFILE_DIR'];
    if (profileDirectory)
      writeFileSync(join(profileDirectory, 'phases.json'), JSON.stringify(phases));
  }
}

async function waitForSessions(tap: EventTap, count: number): Promise<void> {
  const deadline = Date.now() + 600_000;
  while (tap.all('feedback.session.created').length < count) {
    if (Date.now() > deadline) {
      throw new Error(
        `only ${tap.all('feedback.session.created').length} of ${count} sessions were created`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
