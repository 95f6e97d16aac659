import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../infra/local/clock.ts';

const START = Date.parse('2026-03-01T12:00:00Z');
const realSleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Class: SimulatedClock', () => {
  describe('Method: now', () => {
    it('runs at start + real elapsed × speed', async () => {
      const beforeClock = performance.now();
      const clock = new SimulatedClock({ start: START, speed: 1000 });
      const afterClock = performance.now();
      await realSleep(40);
      const beforeRead = performance.now();
      const simElapsed = clock.now() - START;
      const afterRead = performance.now();
      expect(simElapsed).toBeGreaterThanOrEqual((beforeRead - afterClock) * 1000);
      expect(simElapsed).toBeLessThanOrEqual((afterRead - beforeClock) * 1000);
      expect(simElapsed).toBeGreaterThan(30_000);
    });

    it('keeps time continuous across a speed change and stands still at Infinity', async () => {
      const clock = new SimulatedClock({ start: START, speed: 1 });
      clock.speed = Infinity;
      const frozen = clock.now();
      await realSleep(20);
      expect(clock.now()).toBe(frozen);
      clock.advance(90);
      expect(clock.now()).toBe(frozen + 90_000);
      clock.speed = 100;
      expect(clock.now() - frozen - 90_000).toBeLessThan(1000);
    });

    it('refuses a speed that is not positive', () => {
      expect(() => new SimulatedClock({ speed: 0 })).toThrow(RangeError);
      expect(() => new SimulatedClock({ speed: -2 })).toThrow(RangeError);
      expect(() => new SimulatedClock().advance(-1)).toThrow(RangeError);
    });
  });

  describe('Method: sleep', () => {
    it('waits simSeconds × 1000 / speed real milliseconds', async () => {
      const clock = new SimulatedClock({ start: START, speed: 100 });
      const realStart = performance.now();
      await clock.sleep(5);
      const real = performance.now() - realStart;
      expect(real).toBeGreaterThanOrEqual(45);
      expect(real).toBeLessThan(500);
      expect(clock.now() - START).toBeGreaterThanOrEqual(5000);
    });

    it('resolves at once for zero seconds', async () => {
      const clock = new SimulatedClock({ start: START, speed: 1 });
      const realStart = performance.now();
      await clock.sleep(0);
      expect(performance.now() - realStart).toBeLessThan(20);
    });

    it('wakes sleepers when advance passes their deadline', async () => {
      const clock = new SimulatedClock({ start: START, speed: Infinity });
      let woke = false;
      const sleeping = clock.sleep(300).then(() => {
        woke = true;
      });
      clock.advance(299);
      await realSleep(5);
      expect(woke).toBe(false);
      clock.advance(1);
      await sleeping;
      expect(woke).toBe(true);
    });

    it('follows a speed change while asleep', async () => {
      const clock = new SimulatedClock({ start: START, speed: 1 });
      const realStart = performance.now();
      const sleeping = clock.sleep(3600);
      clock.speed = 360_000; // an hour in 10 ms
      await sleeping;
      expect(performance.now() - realStart).toBeLessThan(1000);
    });
  });

  describe('Method: sleep', () => {
    it('keeps a sleep longer than Node\'s longest timer asleep, and wakes it when advanced past', async () => {
      const clock = new SimulatedClock({ start: START, speed: 1 });
      let woke = false;
      const thirtyDays = 30 * 24 * 3600;
      const sleeping = clock.sleep(thirtyDays).then(() => {
        woke = true;
      });
      await new Promise((r) => setTimeout(r, 30));
      expect(woke).toBe(false);
      clock.advance(thirtyDays);
      await sleeping;
      expect(woke).toBe(true);
    });
  });
});
