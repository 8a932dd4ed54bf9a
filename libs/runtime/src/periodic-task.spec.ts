import { PeriodicTask } from './periodic-task';

describe('PeriodicTask', () => {
  it('never runs twice at once: a run asked for meanwhile joins the one in flight', async () => {
    let started = 0;
    let finish: () => void = () => undefined;
    const task = new PeriodicTask('test task', 60_000, () => {
      started++;
      return new Promise<void>((resolve) => (finish = resolve));
    });
    const first = task.runNow();
    const second = task.runNow();
    expect(started).toBe(1);
    finish();
    await Promise.all([first, second]);
    const third = task.runNow();
    expect(started).toBe(2);
    finish();
    await third;
  });

  it('survives a failing run and runs again on the next call', async () => {
    let calls = 0;
    const task = new PeriodicTask('test task', 60_000, () => {
      calls++;
      return calls === 1 ? Promise.reject(new Error('database away')) : Promise.resolve();
    });
    await expect(task.runNow()).resolves.toBeUndefined();
    await task.runNow();
    expect(calls).toBe(2);
  });

  it('waits for the run in flight when stopped', async () => {
    let finished = false;
    const task = new PeriodicTask('test task', 60_000, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      finished = true;
    });
    task.start();
    const run = task.runNow();
    await task.stop();
    expect(finished).toBe(true);
    await run;
  });
});
