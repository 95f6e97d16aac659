/**
 * Deployment snapshots as text: the full view (a terminal's live view and `status`), one plain
 * line per change (logs and CI), and rows for `list`.
 */
import type { DeploymentEvent } from '../../shared/core/model/record.ts';
import { describeOwedReport } from '../../shared/core/deployment/codedeploy-report.ts';
import { describeStep, formatDuration } from './describe.ts';
import type { AlarmView, DeploymentSnapshot, HookResult } from '../snapshot.ts';
import type { Style } from './style.ts';

export const BAR_WIDTH = 40;

export function weightBar(weight: number, width = BAR_WIDTH): string {
  const filled = Math.round((Math.max(0, Math.min(100, weight)) / 100) * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

export function colourStatus(status: string, style: Style): string {
  switch (status) {
    case 'Succeeded':
      return style.green(status);
    case 'Failed':
    case 'Stopped':
      return style.red(status);
    case 'Paused':
      return style.yellow(status);
    default:
      return style.cyan(status);
  }
}

function colourAlarm(alarm: AlarmView, style: Style): string {
  const state = alarm.state === 'ALARM' ? style.red(alarm.state) : alarm.state === 'OK' ? style.green(alarm.state) : style.yellow(alarm.state);
  return `${alarm.name} ${state}`;
}

function hookName(hook: HookResult): string {
  return hook.lifecycleEvent === 'Step' ? `step ${(hook.stepIndex ?? -1) + 1} hook` : hook.lifecycleEvent;
}

function colourHook(hook: HookResult, style: Style): string {
  const status = hook.status === 'Succeeded' ? style.green(hook.status) : hook.status === 'Failed' ? style.red(hook.status) : style.cyan('Running…');
  return `${hookName(hook)} ${hook.hook} ${status}${hook.message ? style.dim(` (${hook.message})`) : ''}`;
}

function clock(iso: string | undefined): string {
  return iso ? iso.slice(11, 19) : '--:--:--';
}

export function eventLine(event: DeploymentEvent): string {
  return `${clock(event.at)} ${event.type}${event.message ? ` ${event.message}` : ''}`;
}

function elapsed(snapshot: DeploymentSnapshot): string | undefined {
  if (!snapshot.createdAt) return undefined;
  const end = snapshot.endedAt ?? snapshot.readAt;
  const seconds = Math.max(0, Math.round((Date.parse(end) - Date.parse(snapshot.createdAt)) / 1000));
  return formatDuration(seconds);
}

export function headline(s: DeploymentSnapshot, style: Style): string {
  const target = s.functionName ? `${s.functionName}:${s.alias ?? '?'}` : '(unknown target)';
  const versions = `version ${s.currentVersion ?? '?'} → ${s.targetVersion ?? '?'}`;
  return `${style.bold(s.id)}  ${target}  ${versions}${s.strategy ? `  ${style.dim(s.strategy)}` : ''}`;
}

export function progressLine(s: DeploymentSnapshot): string {
  if (s.done) return '';
  if (s.stepIndex < 0 || s.stepCount === 0) return s.status === 'Created' ? 'preparing (preflight checks, BeforeAllowTraffic hook)' : '';
  if (s.stepIndex >= s.stepCount) return 'promoting to 100% (final checks)';
  const next = s.nextStepInSeconds !== undefined ? ` — next step in ${formatDuration(s.nextStepInSeconds)}` : '';
  return `step ${s.stepIndex + 1} of ${s.stepCount}: ${describeStep(s.step)}${next}`;
}

export function outcomeLine(s: DeploymentSnapshot, style: Style): string {
  const took = elapsed(s);
  if (s.status === 'Succeeded') return `${style.green('Succeeded')}${took ? ` in ${took}` : ''}: ${s.alias ?? 'alias'} serves version ${s.targetVersion ?? '?'}`;
  const why = s.error ? ` (${s.error.code}): ${s.error.message}` : '';
  const back = s.weight === 0 && s.currentVersion ? ` — ${s.alias ?? 'alias'} serves version ${s.currentVersion}` : '';
  return `${colourStatus(s.status, style)}${took ? ` after ${took}` : ''}${why}${back}`;
}

function colourVerdict(verdict: DeploymentSnapshot['verdicts'][number], style: Style): string {
  if (verdict.outcome === 'Fail') return style.red(verdict.message);
  if (verdict.outcome === 'Pass') return style.green(verdict.message);
  return style.dim(verdict.message);
}

/** The full view: what a terminal redraws in place, and what `status` prints. */
export function renderSnapshot(s: DeploymentSnapshot, style: Style, options: { events?: number } = {}): string[] {
  const lines = [headline(s, style)];
  const full = weightBar(s.weight);
  const filled = full.replace(/░+$/, '');
  const empty = full.slice(filled.length);
  const bar = style.colour ? `${filled ? style.cyan(filled) : ''}${empty ? style.dim(empty) : ''}` : full;
  lines.push(`${colourStatus(s.status, style).padEnd(style.colour ? 20 : 10)} ${bar} ${String(s.weight).padStart(3)}% on version ${s.targetVersion ?? '?'}`);
  const progress = progressLine(s);
  if (progress) lines.push(progress);
  if (s.alarms.length > 0) lines.push(`alarms  ${s.alarms.map((a) => colourAlarm(a, style)).join(', ')}`);
  if (s.hooks.length > 0) lines.push(`hooks   ${s.hooks.map((h) => colourHook(h, style)).join(', ')}`);
  for (const [i, verdict] of s.verdicts.entries()) lines.push(`${i === 0 ? 'analysis' : '        '} ${colourVerdict(verdict, style)}`);
  const count = options.events ?? 5;
  if (count > 0 && s.events.length > 0) {
    lines.push(style.dim(`events (${Math.min(count, s.events.length)} of ${s.events.length})`));
    for (const event of s.events.slice(-count)) lines.push(`  ${style.dim(eventLine(event))}`);
  }
  if (s.codeDeployReport) lines.push(style.yellow(describeOwedReport(s.codeDeployReport)));
  if (s.done) lines.push(outcomeLine(s, style));
  return lines;
}

/** One line for logs: what changed is visible by comparing consecutive lines. */
export function plainLine(s: DeploymentSnapshot): string {
  const parts = [`${s.id} ${s.status}`, `weight ${s.weight}%`];
  if (!s.done && s.stepIndex >= 0 && s.stepIndex < s.stepCount) {
    parts.push(`step ${s.stepIndex + 1}/${s.stepCount} ${describeStep(s.step)}`);
    if (s.nextStepInSeconds !== undefined) parts.push(`next in ${formatDuration(s.nextStepInSeconds)}`);
  }
  if (s.alarms.length > 0) parts.push(`alarms ${s.alarms.map((a) => `${a.name}=${a.state}`).join(',')}`);
  if (s.hooks.length > 0) parts.push(`hooks ${s.hooks.map((h) => `${hookName(h)}=${h.status}`).join(',')}`);
  if (s.verdicts.length > 0) parts.push(`analysis ${s.verdicts.map((v) => `${v.check}=${v.outcome}`).join(',')}`);
  if (s.codeDeployReport) parts.push(`CodeDeploy not yet told (${s.codeDeployReport.attempts} tries)`);
  return parts.join('  ');
}

/** A plain line without the countdown: two snapshots with the same key show nothing new. */
export function plainKey(s: DeploymentSnapshot): string {
  return plainLine({ ...s, nextStepInSeconds: undefined } as DeploymentSnapshot);
}
