/**
 * The local engine's compressed clock: simulated time = start + real elapsed × speed, plus any
 * jumps made with `advance`. `--speed 60` makes one simulated minute pass per real second; tests
 * use a large speed (or `Infinity`, where time only moves through `advance`).
 *
 * Sleeps are kept in simulated time: a pending `sleep` wakes when the clock reaches its deadline,
 * whether by real time passing, by a speed change or by `advance`.
 *
 * Virtual time (`--speed max`): time stands still while anything works — a handler runs, an HTTP
 * request is in flight (each `hold`s the clock) — and jumps to the next sleeper's deadline as soon
 * as nothing does, so a rehearsal takes as long as its work, not its waits. Background sleepers
 * (periodic checks such as alarm evaluation) wake on the way but never cause a jump on their own:
 * an idle engine's clock stands still.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock } from '../../shared/core/ports/clock.ts';

/** The longest delay setTimeout honours (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** What the local engine needs from a clock: the shared `Clock` plus speed and simulated sleeps. */
export interface EngineClock extends Clock {
  /** Simulated seconds per real second (`Infinity`: time moves only through `advance`). */
  readonly speed: number;
  /** Resolves once `simSeconds` of simulated time have passed (at once for 0 or less, or when `signal` aborts). */
  sleep(simSeconds: number, options?: SleepOptions): Promise<void>;
  /** Virtual time: the clock jumps to the next deadline whenever nothing holds it. */
  readonly virtual?: boolean;
  /** Marks work in progress (virtual time stands still until the returned release is called). */
  hold?(): () => void;
  /** Runs `work` holding the clock; a sleep started inside it lets go until it wakes (the work is taken to wait on it). */
  holding?<T>(work: () => Promise<T>): Promise<T>;
  /** Moves the clock on by `seconds` at once, waking the sleepers it passes. */
  advance?(seconds: number): void;
}

export interface SleepOptions {
  signal?: AbortSignal;
  /** A periodic check: woken when the clock passes its deadline, but no reason to jump to it. */
  background?: boolean;
}

export interface SimulatedClockOptions {
  /** Simulated start, ms since the epoch (default: the wall clock at construction). */
  start?: number;
  /** Simulated seconds per real second (default 1). */
  speed?: number;
  /** Virtual time (`--speed max`): speed Infinity, and the clock jumps over idle waits. */
  virtual?: boolean;
}

interface Sleeper {
  deadline: number;
  resolve: () => void;
  timer?: NodeJS.Timeout;
  background: boolean;
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
  readonly virtual: boolean;
  #holds = 0;
  #jumpPending = false;
  /** The hold of the work this code runs for (`holding`), let go while that work sleeps. */
  readonly #context = new AsyncLocalStorage<{ held: boolean }>();

  constructor(options: SimulatedClockOptions = {}) {
    // The engine's clock is the one place allowed to read the wall clock.
    this.#base = options.start ?? Date.now();
    this.virtual = options.virtual ?? false;
    this.#speed = this.virtual ? Infinity : checkSpeed(options.speed ?? 1);
  }

  get speed(): number {
    return this.#speed;
  }

  /** Changes the speed from now on; simulated time so far is kept. */
  set speed(speed: number) {
    if (this.virtual) throw new RangeError('clock speed: a virtual clock has no speed to change');
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

  sleep(simSeconds: number, options: SleepOptions = {}): Promise<void> {
    if (!(simSeconds > 0) || options.signal?.aborted) return Promise.resolve();
    const work = this.#context.getStore();
    if (work?.held) {
      // Held work that sleeps waits like anyone else: the clock may jump meanwhile.
      work.held = false;
      this.#holds -= 1;
    }
    return new Promise<void>((resolve) => {
      const wake = () => {
        if (work && !work.held) {
          work.held = true;
          this.#holds += 1;
        }
        resolve();
      };
      const { signal } = options;
      const onAbort = () => this.#wake(sleeper);
      const sleeper: Sleeper = {
        deadline: this.now() + simSeconds * 1000,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          wake();
        },
        background: options.background ?? false,
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#sleepers.add(sleeper);
      this.#schedule(sleeper);
      this.#idle();
    });
  }

  /** Work in progress: a virtual clock does not jump until every hold is released. */
  hold(): () => void {
    this.#holds += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holds -= 1;
      this.#idle();
    };
  }

  async holding<T>(work: () => Promise<T>): Promise<T> {
    const state = { held: true };
    this.#holds += 1;
    try {
      return await this.#context.run(state, work);
    } finally {
      if (state.held) {
        state.held = false;
        this.#holds -= 1;
        this.#idle();
      }
    }
  }

  /** How many sleepers wait (foreground ones: those a virtual clock jumps for). */
  pending(): { foreground: number; background: number } {
    let foreground = 0;
    for (const s of this.#sleepers) if (!s.background) foreground += 1;
    return { foreground, background: this.#sleepers.size - foreground };
  }

  /**
   * Virtual time: once nothing holds the clock for two turns of the event loop (so that I/O
   * already under way, such as an answer on its way to a client, is seen), jump to the earliest
   * deadline if any foreground sleeper waits.
   */
  #idle(): void {
    if (!this.virtual || this.#jumpPending || this.#holds > 0) return;
    this.#jumpPending = true;
    setImmediate(() =>
      setImmediate(() => {
        this.#jumpPending = false;
        if (this.#holds > 0 || this.pending().foreground === 0) return;
        let next = Infinity;
        for (const s of this.#sleepers) next = Math.min(next, s.deadline);
        if (next > this.#base) this.#base = next;
        this.#reschedule();
        this.#idle();
      }),
    );
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
    if (!this.#sleepers.delete(sleeper)) return;
    sleeper.resolve();
    this.#idle();
  }

  #reschedule(): void {
    for (const sleeper of [...this.#sleepers]) this.#schedule(sleeper);
  }
}
