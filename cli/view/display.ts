/**
 * How a watched deployment is shown: redrawn in place on a terminal, one line per change
 * otherwise, a single JSON document at the end with `--output json`.
 */
import type { CliIO } from '../context.ts';
import type { DeploymentSnapshot } from '../snapshot.ts';
import { eventLogLine, statusLogLine, summaryBlock } from './ci-log.ts';
import { plainKey, renderSnapshot } from './render.ts';
import { stripAnsi, styleFor, type Style } from './style.ts';

export interface Display {
  update(snapshot: DeploymentSnapshot): void;
  /** The last snapshot: the deployment ended, or the watch stopped (timeout, Ctrl-C). */
  finish(snapshot: DeploymentSnapshot): void;
}

export type OutputMode = 'human' | 'json';

function fit(line: string, columns: number | undefined): string {
  if (!columns || stripAnsi(line).length < columns) return line;
  return `${stripAnsi(line).slice(0, Math.max(1, columns - 2))}…`;
}

/** Redraws the view in place (cursor up, clear to end of screen). */
export class LiveDisplay implements Display {
  #drawn = 0;
  readonly #style: Style;

  constructor(
    private readonly io: CliIO,
    private readonly options: { events?: number; extra?: () => string[] } = {},
  ) {
    this.#style = styleFor(io);
  }

  #draw(lines: string[]): void {
    const columns = (this.io.stdout as { columns?: number }).columns;
    const up = this.#drawn > 0 ? `\u001b[${this.#drawn}F` : '';
    this.io.stdout.write(`${up}\u001b[0J${lines.map((l) => fit(l, columns)).join('\n')}\n`);
    this.#drawn = lines.length;
  }

  #lines(snapshot: DeploymentSnapshot): string[] {
    return [...renderSnapshot(snapshot, this.#style, { events: this.options.events ?? 5 }), ...(this.options.extra?.() ?? [])];
  }

  update(snapshot: DeploymentSnapshot): void {
    this.#draw(this.#lines(snapshot));
  }

  finish(snapshot: DeploymentSnapshot): void {
    this.#draw(this.#lines(snapshot));
    this.#drawn = 0;
  }
}

/**
 * For logs (no terminal, `CI` or `NO_COLOR` set): one line per new event and per change of
 * status, step, alarms or hooks, each with its elapsed time (cli/view/ci-log.ts), and a summary
 * block at the end. Never an escape code.
 */
export class PlainDisplay implements Display {
  #lastKey = '';
  #events = 0;

  constructor(private readonly io: CliIO) {}

  update(snapshot: DeploymentSnapshot): void {
    for (const event of snapshot.events.slice(this.#events)) this.io.stdout.write(`${eventLogLine(event, snapshot)}\n`);
    this.#events = Math.max(this.#events, snapshot.events.length);
    const key = plainKey(snapshot);
    if (key !== this.#lastKey) {
      this.io.stdout.write(`${statusLogLine(snapshot)}\n`);
      this.#lastKey = key;
    }
  }

  finish(snapshot: DeploymentSnapshot): void {
    this.update(snapshot);
    if (snapshot.done) this.io.stdout.write(`${summaryBlock(snapshot).join('\n')}\n`);
  }
}

/** Nothing while watching; the final snapshot as one JSON document. */
export class JsonDisplay implements Display {
  constructor(private readonly io: CliIO) {}

  update(): void {}

  finish(snapshot: DeploymentSnapshot): void {
    this.io.stdout.write(`${JSON.stringify(snapshot, null, 2)}\n`);
  }
}

/** Redrawn in place only on a terminal that a person watches: not in CI, not with NO_COLOR. */
export function liveView(io: CliIO): boolean {
  const set = (name: string) => (io.env[name] ?? '') !== '';
  return io.stdout.isTTY === true && !set('CI') && !set('NO_COLOR');
}

export function displayFor(io: CliIO, mode: OutputMode): Display {
  if (mode === 'json') return new JsonDisplay(io);
  return liveView(io) ? new LiveDisplay(io) : new PlainDisplay(io);
}
