/**
 * A deployment's timeline as a text chart: traffic on the target version over (simulated) time,
 * one column per time slice and one row per 10 %, with the events marked under the time axis and
 * listed below it.
 *
 *   100% ┤                                              ██
 *    50% ┤                                              ██
 *    10% ┤██████████████████████████████████████████████ ██
 *        └────────────────────────────────────────────────
 *         0s                    2m30s                 5m1s
 *         1 2                                          3 4
 */
import type { DeploymentEvent, WeightPoint } from '../../shared/core/model/record.ts';
import { formatDuration } from './describe.ts';
import type { HookResult } from '../snapshot.ts';
import type { Style } from './style.ts';

export interface TimelineInput {
  id: string;
  title?: string;
  createdAt?: string;
  endedAt?: string;
  weights: WeightPoint[];
  events: DeploymentEvent[];
  hooks?: HookResult[];
}

export interface TimelineOptions {
  width?: number;
  /** Rows from 100% down, each `100 / rows` percent. */
  rows?: number;
}

const MARKS = '123456789abcdefghijklmnopqrstuvwxyz';

interface Mark {
  at: number;
  text: string;
}

function ms(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

function marksOf(input: TimelineInput): Mark[] {
  const marks: Mark[] = [];
  for (const event of input.events) {
    const at = ms(event.at);
    if (at !== undefined) marks.push({ at, text: `${event.type}${event.message ? ` ${event.message}` : ''}` });
  }
  for (const hook of input.hooks ?? []) {
    const at = ms(hook.endedAt ?? hook.startedAt);
    const name = hook.lifecycleEvent === 'Step' ? 'step hook' : `${hook.lifecycleEvent} hook`;
    if (at !== undefined) marks.push({ at, text: `${name} ${hook.hook}: ${hook.status}${hook.message ? ` (${hook.message})` : ''}` });
  }
  return marks.sort((a, b) => a.at - b.at);
}

/** The weight in force at `t` (the last point at or before it). */
function weightAt(points: { at: number; weight: number }[], t: number): number {
  let weight = 0;
  for (const p of points) {
    if (p.at <= t) weight = p.weight;
    else break;
  }
  return weight;
}

export function renderTimeline(input: TimelineInput, style: Style, options: TimelineOptions = {}): string[] {
  const width = Math.max(20, options.width ?? 60);
  const rows = Math.max(2, options.rows ?? 10);
  const points = input.weights
    .map((w) => ({ at: ms(w.at), weight: w.weight }))
    .filter((p): p is { at: number; weight: number } => p.at !== undefined)
    .sort((a, b) => a.at - b.at);
  const marks = marksOf(input);
  const times = [...points.map((p) => p.at), ...marks.map((m) => m.at)];
  const start = ms(input.createdAt) ?? (times.length ? Math.min(...times) : 0);
  const end = Math.max(ms(input.endedAt) ?? 0, ...times, start + 1000);
  const span = end - start;
  const colStart = (c: number) => start + (c * span) / width;

  // Each column shows the highest weight in force during its slice, so a brief canary still shows.
  const columns: number[] = [];
  for (let c = 0; c < width; c++) {
    const from = colStart(c);
    const to = colStart(c + 1);
    let weight = weightAt(points, from);
    const last = c === width - 1;
    for (const p of points) if (p.at > from && (p.at < to || (last && p.at <= to))) weight = Math.max(weight, p.weight);
    columns.push(weight);
  }

  const lines: string[] = [];
  if (input.title) lines.push(style.bold(input.title));
  const step = 100 / rows;
  for (let r = rows; r >= 1; r--) {
    const level = r * step;
    const label = r === rows || r === 1 || level === 50 ? `${Math.round(level)}%`.padStart(4) : '    ';
    const cells = columns.map((w) => (w >= level - 1e-9 ? '█' : ' ')).join('');
    lines.push(`${label} ${r === 1 || r === rows || level === 50 ? '┤' : '│'}${style.cyan(cells.trimEnd())}`);
  }
  lines.push(`     └${'─'.repeat(width)}`);
  const mid = formatDuration(Math.round(span / 2000));
  const last = formatDuration(Math.round(span / 1000));
  const axis = ' '.repeat(width + 1).split('');
  const put = (text: string, at: number) => text.split('').forEach((ch, i) => (axis[at + i] = ch));
  put('0s', 1);
  put(mid, Math.max(4, Math.floor(width / 2) - Math.floor(mid.length / 2)));
  put(last, Math.max(1, width + 1 - last.length));
  lines.push(`     ${axis.join('').trimEnd()}`);

  if (marks.length > 0) {
    const row: string[] = ' '.repeat(width + 1).split('');
    const legend: string[] = [];
    marks.forEach((mark, i) => {
      const symbol = MARKS[i] ?? '+';
      // Marks that fall on a taken column move right (past the axis if need be), so they stay in order.
      let col = Math.min(width, 1 + Math.floor(((mark.at - start) / span) * width));
      while ((row[col] ?? ' ') !== ' ') col++;
      while (row.length <= col) row.push(' ');
      row[col] = symbol;
      const offset = formatDuration(Math.max(0, Math.round((mark.at - start) / 1000)));
      legend.push(`  ${style.bold(symbol)} ${offset.padStart(6)}  ${mark.text}`);
    });
    lines.push(`     ${style.yellow(row.join('').trimEnd())}`);
    lines.push(...legend);
  }
  return lines;
}
