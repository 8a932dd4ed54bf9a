import type { AuthTestApp, HttpAnswer } from './support/auth-test-app';
import { call, goodPassword, startAuthService, uniqueEmail } from './support/auth-test-app';

jest.setTimeout(180_000);

/** What two refusals have in common once the per-request fields are set aside. */
function comparable(answer: HttpAnswer): unknown {
  const { correlationId: _correlationId, instance: _instance, ...rest } = answer.body;
  return { status: answer.status, body: rest, contentType: answer.headers.get('content-type') };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

describe('auth-service login protection', () => {
  let auth: AuthTestApp;

  beforeAll(async () => {
    auth = await startAuthService({
      AUTH_LOGIN_FREE_FAILURES: '4',
      AUTH_LOGIN_LOCKOUT_FAILURES: '10',
      AUTH_LOGIN_BACKOFF_BASE_MS: '200',
      AUTH_LOGIN_IP_FAILURES: '1000',
    });
  });

  afterAll(async () => {
    await auth?.close();
  });

  const api = (path: string) => `${auth.url}/api/auth${path}`;

  async function registered(label: string): Promise<string> {
    const email = uniqueEmail(label);
    const answer = await call(api('/signup'), 'POST', { email, password: goodPassword, name: 'N' });
    expect(answer.status).toBe(201);
    return email;
  }

  const login = (email: string, password: string) =>
    call(api('/login'), 'POST', { email, password });

  it('should answer an unknown email exactly like a wrong password, in comparable time', async () => {
    const timings = { unknown: [] as number[], wrong: [] as number[] };
    let unknownAnswer: HttpAnswer | undefined;
    let wrongAnswer: HttpAnswer | undefined;
    for (let round = 0; round < 7; round += 1) {
      const email = await registered('timing');
      let started = performance.now();
      wrongAnswer = await login(email, 'not-the-password-at-all');
      timings.wrong.push(performance.now() - started);
      started = performance.now();
      unknownAnswer = await login(uniqueEmail('nobody'), 'not-the-password-at-all');
      timings.unknown.push(performance.now() - started);
    }
    expect(wrongAnswer?.status).toBe(401);
    expect(comparable(unknownAnswer as HttpAnswer)).toEqual(comparable(wrongAnswer as HttpAnswer));
    // Both verify one argon2id hash; without the dummy hash an unknown email answers ~20x faster.
    const ratio = median(timings.unknown) / median(timings.wrong);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it('should back off longer after each failure past the free ones, then lock the account with 429 and Retry-After', async () => {
    const email = await registered('victim');
    for (let failure = 1; failure <= 4; failure += 1) {
      expect((await login(email, 'wrong-password-guess')).status).toBe(401);
    }
    const waits: number[] = [];
    for (let failure = 5; failure <= 10; failure += 1) {
      const started = performance.now();
      let answer = await login(email, 'wrong-password-guess');
      // Past the free failures each attempt must wait out the previous backoff: 429 until then.
      while (answer.status === 429) {
        expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        await new Promise((resolve) => setTimeout(resolve, 50));
        answer = await login(email, 'wrong-password-guess');
      }
      expect(answer.status).toBe(401);
      waits.push(performance.now() - started);
      if (failure >= 5) {
        const next = await login(email, 'wrong-password-guess');
        expect(next.status).toBe(429);
      }
    }
    // 0, 200, 400, 800, 1600, 3200 ms of backoff before failures 5..10.
    for (let index = 2; index < waits.length; index += 1) {
      expect(waits[index]).toBeGreaterThan((waits[index - 1] ?? 0) * 1.3);
    }
    const locked = await login(email, goodPassword);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
    expect(locked.body['status']).toBe(429);
    expect(locked.body['type']).toMatch(/login-throttled$/);
  });

  it('should throttle an unknown email just like a real one', async () => {
    const email = uniqueEmail('ghost');
    for (let failure = 1; failure <= 5; failure += 1) {
      expect((await login(email, 'wrong-password-guess')).status).toBe(401);
    }
    expect((await login(email, 'wrong-password-guess')).status).toBe(429);
  });

  it('should clear the failure count after a successful login', async () => {
    const email = await registered('typo');
    for (let failure = 1; failure <= 4; failure += 1) {
      expect((await login(email, 'wrong-password-guess')).status).toBe(401);
    }
    expect((await login(email, goodPassword)).status).toBe(200);
    for (let failure = 1; failure <= 4; failure += 1) {
      expect((await login(email, 'wrong-password-guess')).status).toBe(401);
    }
  });
});
