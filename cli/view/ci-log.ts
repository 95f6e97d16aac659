/**
 * The view for logs that are read later (CI jobs, files, pipes): one line per event, each with
 * the time since the deployment started and the weight on the target version at that moment, and
 * a summary block at the end. Plain text only: a CI log shows escape codes as garbage.
 */
import type { DeploymentEvent, WeightPoint } from '../../shared/core/model/record.ts';
import { formatDuration } from './describe.ts';
import type { DeploymentSnapshot, HookResult } from '../snapshot.ts';
import { outcomeLine, plainLine } from './render.ts';
import { PLAIN_STYLE } from './style.ts';

const ELAPSED_WIDTH = 8;

/** `+1m05s`: time since `from` (both ISO), never negative. */
export function elapsedSince(from: string | undefined, at: string): string {
  if (!from) return '+?';
  const seconds = Math.max(0, Math.round((Date.parse(at) - Date.parse(from)) / 1000));
  return `+${formatDuration(seconds)}`;
}

/** The weight on the target version at `at`: the last recorded change at or before it. */
export function weightAt(weights: readonly WeightPoint[], at: string): number {
  const time = Date.parse(at);
  let weight = 0;
  for (const point of weights) {
    if (Date.parse(point.at) <= time) weight = point.weight;
  }
  return weight;
}

/** `+4s        10%  WeightShifted step 0: 10% on version 3` */
export function eventLogLine(event: DeploymentEvent, snapshot: DeploymentSnapshot): string {
  const weight = `${weightAt(snapshot.weights, event.at)}%`.padStart(4);
  return `${elapsedSince(snapshot.createdAt, event.at).padEnd(ELAPSED_WIDTH)} ${weight}  ${event.type}${event.message ? ` ${event.message}` : ''}`;
}

/** A change of status, step, alarms or hooks, with its elapsed time. */
export function statusLogLine(snapshot: DeploymentSnapshot): string {
  return `${elapsedSince(snapshot.createdAt, snapshot.readAt).padEnd(ELAPSED_WIDTH)} ${plainLine(snapshot)}`;
}

function hookText(hook: HookResult): string {
  const name = hook.lifecycleEvent === 'Step' ? `step ${(hook.stepIndex ?? -1) + 1} hook` : hook.lifecycleEvent;
  return `${name} ${hook.hook}: ${hook.status}${hook.message ? ` (${hook.message})` : ''}`;
}

/** The block printed when the deployment ends; its last line is the outcome. */
export function summaryBlock(s: DeploymentSnapshot): string[] {
  const rows: [string, string][] = [
    ['deployment', s.id],
    ['function', `${s.functionName ?? '?'}:${s.alias ?? '?'}`],
    ['versions', `${s.currentVersion ?? '?'} → ${s.targetVersion ?? '?'}`],
  ];
  if (s.strategy) rows.push(['strategy', `${s.strategy} (${s.stepCount} step${s.stepCount === 1 ? '' : 's'})`]);
  rows.push(['status', s.error ? `${s.status} (${s.error.code})` : s.status]);
  rows.push(['weight', `${s.weight}% on version ${s.targetVersion ?? '?'}`]);
  if (s.createdAt) rows.push(['took', elapsedSince(s.createdAt, s.endedAt ?? s.readAt).slice(1)]);
  for (const hook of s.hooks) rows.push(['hook', hookText(hook)]);
  for (const alarm of s.alarms) rows.push(['alarm', `${alarm.name}: ${alarm.state}`]);
  rows.push(['events', String(s.events.length)]);
  const width = Math.max(...rows.map(([key]) => key.length));
  return ['Summary', ...rows.map(([key, value]) => `  ${key.padEnd(width)}  ${value}`), outcomeLine(s, PLAIN_STYLE)];
}
