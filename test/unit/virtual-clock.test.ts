import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../infra/local/clock.ts';

const START = Date.parse('2026-03-01T12:00:00Z');
const turns = (n = 4) => new Promise<void>((resolve) => {
  const step = (left: number) => (left === 0 ? resolve() : setImmediate(() => step(left - 1)));
  step(n);
});

describe('Class: SimulatedClock, virtual time (--speed max)', () => {
  it('jumps to each deadline in order as soon as nothing holds the clock', async () => {
    const clock = new SimulatedClock({ start: START, virtual: true });
    expect(clock.speed).toBe(Infinity);
    const woke: number[] = [];
    const t0 = performance.now();
    await Promise.all([3600, 60, 86_400].map((s) => clock.sleep(s).then(() => woke.push((clock.now() - START) / 1000))));
    expect(woke).toEqual([60, 3600, 86_400]);
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('stands still while work holds it, and jumps once the work is done', async () => {
    const clock = new SimulatedClock({ start: START, virtual: true });
    const release = clock.hold();
    let woke = false;
    void clock.sleep(300).then(() => (woke = true));
    await turns(6);
    expect(woke).toBe(false);
    expect(clock.now()).toBe(START);
    release();
    await turns(6);
    expect(woke).toBe(true);
    expect(clock.now()).toBe(START + 300_000);
  });

  it('lets held work that sleeps be jumped over, and holds again when it wakes', async () => {
    const clock = new SimulatedClock({ start: START, virtual: true });
    let other = false;
    void clock.sleep(10).then(() => (other = true));
    let outside = false;
    let go!: () => void;
    // Someone else's wait, started (outside the held work) once the work has woken.
    void new Promise<void>((resolve) => (go = resolve)).then(() => clock.sleep(5)).then(() => (outside = true));
    const done = clock.holding(async () => {
      await clock.sleep(60);
      // Awake and holding again: the other deadline waits while this work runs.
      go();
      await turns(6);
      expect(clock.now()).toBe(START + 60_000);
      return 'done';
    });
    expect(await done).toBe('done');
    expect(other).toBe(true);
    await turns(6);
    expect(outside).toBe(true);
  });

  it('does not jump for background sleepers alone: an idle engine’s clock stands still', async () => {
    const clock = new SimulatedClock({ start: START, virtual: true });
    let checks = 0;
    void clock.sleep(60, { background: true }).then(() => (checks += 1));
    await turns(8);
    expect(checks).toBe(0);
    expect(clock.now()).toBe(START);
    // A foreground wait beyond it: the background deadline is passed on the way.
    await clock.sleep(120);
    expect(checks).toBe(1);
    expect(clock.now()).toBe(START + 120_000);
  });

  it('wakes an aborted sleeper at once and never jumps to its deadline', async () => {
    const clock = new SimulatedClock({ start: START, virtual: true });
    const abort = new AbortController();
    const sleeping = clock.sleep(3600, { signal: abort.signal });
    abort.abort();
    await sleeping;
    await turns(6);
    expect(clock.now()).toBe(START);
    expect(clock.pending()).toEqual({ foreground: 0, background: 0 });
  });

  it('refuses a speed change', () => {
    const clock = new SimulatedClock({ virtual: true });
    expect(() => {
      clock.speed = 10;
    }).toThrow(/virtual clock/);
  });
});
