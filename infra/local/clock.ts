/**
 * The local engine's compressed clock: simulated time = start + real elapsed × speed, plus any
 * jumps made with `advance`. `--speed 60` makes one simulated minute pass per real second; tests
 * use a large speed (or `Infinity`, where time only moves through `advance`).
 *
 * Sleeps are kept in simulated time: a pending `sleep` wakes when the clock reaches its deadline,
 * whether by real time passing, by a speed change or by `advance`.
 */
import type { Clock } from '../../shared/core/ports/clock.ts';

/** The longest delay setTimeout honours (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** What the local engine needs from a clock: the shared `Clock` plus speed and simulated sleeps. */
export interface EngineClock extends Clock {
  /** Simulated seconds per real second (`Infinity`: time moves only through `advance`). */
  readonly speed: number;
  /** Resolves once `simSeconds` of simulated time have passed (at once for 0 or less). */
  sleep(simSeconds: number): Promise<void>;
}

export interface SimulatedClockOptions {
  /** Simulated start, ms since the epoch (default: the wall clock at construction). */
  start?: number;
  /** Simulated seconds per real second (default 1). */
  speed?: number;
}

interface Sleeper {
  deadline: number;
  resolve: () => void;
  timer?: NodeJS.Timeout;
}

function checkSpeed(speed: number): number {
  if (!(speed > 0)) throw new RangeError(`clock speed: must be a positive number or Infinity, got ${speed}`);
  return speed;
}

export class SimulatedClock implements EngineClock {
  #base: number;
  #realAnchor = performance.now();
  #speed: number;
  readonly #sleepers = new Set<Sleeper>();

  constructor(options: SimulatedClockOptions = {}) {
    // The engine's clock is the one place allowed to read the wall clock.
    this.#base = options.start ?? Date.now();
    this.#speed = checkSpeed(options.speed ?? 1);
  }

  get speed(): number {
    return this.#speed;
  }

  /** Changes the speed from now on; simulated time so far is kept. */
  set speed(speed: number) {
    const now = this.now();
    this.#speed = checkSpeed(speed);
    this.#base = now;
    this.#realAnchor = performance.now();
    this.#reschedule();
  }

  now(): number {
    if (this.#speed === Infinity) return this.#base;
    return this.#base + (performance.now() - this.#realAnchor) * this.#speed;
  }

  /** Jumps simulated time forward by `seconds`; sleepers whose deadline is passed wake. */
  advance(seconds: number): void {
    if (!(seconds >= 0)) throw new RangeError(`clock advance: must be zero or more seconds, got ${seconds}`);
    this.#base += seconds * 1000;
    this.#reschedule();
  }

  sleep(simSeconds: number): Promise<void> {
    if (!(simSeconds > 0)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const sleeper: Sleeper = { deadline: this.now() + simSeconds * 1000, resolve };
      this.#sleepers.add(sleeper);
      this.#schedule(sleeper);
    });
  }

  /** Real milliseconds until `simSeconds` of simulated time pass at the current speed. */
  realMs(simSeconds: number): number {
    return this.#speed === Infinity ? 0 : Math.max(0, (simSeconds * 1000) / this.#speed);
  }

  #schedule(sleeper: Sleeper): void {
    if (sleeper.timer) clearTimeout(sleeper.timer);
    const remaining = sleeper.deadline - this.now();
    if (remaining <= 0) {
      this.#wake(sleeper);
      return;
    }
    // At Infinity speed only `advance` moves time: the sleeper waits for it, without a timer.
    if (this.#speed === Infinity) return;
    // Node fires a timer over 2^31-1 ms at once: wait in slices no longer than that.
    sleeper.timer = setTimeout(() => this.#schedule(sleeper), Math.min(MAX_TIMER_MS, Math.ceil(remaining / this.#speed)));
  }

  #wake(sleeper: Sleeper): void {
    if (sleeper.timer) clearTimeout(sleeper.timer);
    this.#sleepers.delete(sleeper);
    sleeper.resolve();
  }

  #reschedule(): void {
    for (const sleeper of [...this.#sleepers]) this.#schedule(sleeper);
  }
}
