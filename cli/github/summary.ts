/**
 * The job summary the GitHub Action writes to `$GITHUB_STEP_SUMMARY` (Markdown): the result, the
 * plan and the timeline of one deployment, or why it was rejected.
 */
import { planDeployment } from '../../shared/core/planner.ts';
import type { DeploymentRequest } from '../../shared/core/model/request.ts';
import { renderPlanTable } from '../view/plan-table.ts';
import type { DeploymentSnapshot } from '../snapshot.ts';
import { elapsedSince, weightAt } from '../view/ci-log.ts';
import { outcomeLine } from '../view/render.ts';
import { PLAIN_STYLE } from '../view/style.ts';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export interface SummaryInput {
  deploymentId?: string;
  request?: DeploymentRequest;
  snapshot?: DeploymentSnapshot;
  /** The error that ended the command, when it did not get as far as a result. */
  error?: { code: string; message: string };
  exitCode: number;
}

function planBlock(request: DeploymentRequest): string[] {
  return ['### Plan', '', '```text', renderPlanTable(planDeployment(request), PLAIN_STYLE).trimEnd(), '```', ''];
}

function timelineTable(s: DeploymentSnapshot): string[] {
  if (s.events.length === 0) return [];
  const rows = s.events.map((e) => `| ${elapsedSince(s.createdAt, e.at)} | ${weightAt(s.weights, e.at)}% | ${cell(e.type)} | ${cell(e.message ?? '')} |`);
  return ['### Timeline', '', '| elapsed | weight | event | detail |', '| ---: | ---: | --- | --- |', ...rows, ''];
}

export function renderSummary(input: SummaryInput): string {
  const { snapshot: s, request: r } = input;
  const lines: string[] = [];
  if (s === undefined && input.deploymentId === undefined) {
    lines.push('## Glidepath: deployment not started', '');
    if (input.error) lines.push(`**${cell(input.error.code)}** ${cell(input.error.message)}`, '');
    lines.push(`Exit code ${input.exitCode}.`, '');
    return `${lines.join('\n')}\n`;
  }
  const id = s?.id ?? input.deploymentId!;
  const status = s?.status ?? 'InProgress';
  lines.push(`## Glidepath \`${id}\`: ${status}`, '');
  const fn = s?.functionName ?? r?.functionName ?? '?';
  const alias = s?.alias ?? r?.alias ?? '?';
  const versions = `${s?.currentVersion ?? r?.currentVersion ?? '(current)'} → ${s?.targetVersion ?? r?.targetVersion ?? '?'}`;
  lines.push('| | |', '| --- | --- |');
  lines.push(`| function | \`${cell(fn)}:${cell(alias)}\` |`, `| versions | ${versions} |`);
  const strategy = s?.strategy ?? (r ? planDeployment(r).strategy : undefined);
  if (strategy) lines.push(`| strategy | ${cell(strategy)} |`);
  if (s) {
    lines.push(`| result | ${cell(s.done ? outcomeLine(s, PLAIN_STYLE) : `still ${s.status} at ${s.weight}% (the deployment goes on)`)} |`);
    if (s.error) lines.push(`| error | \`${cell(s.error.code)}\` ${cell(s.error.message)} |`);
    for (const hook of s.hooks) lines.push(`| hook | ${cell(`${hook.lifecycleEvent} ${hook.hook}: ${hook.status}`)} |`);
    for (const alarm of s.alarms) lines.push(`| alarm | ${cell(`${alarm.name}: ${alarm.state}`)} |`);
  } else {
    lines.push('| result | started; not waited for (`wait: false`) |');
  }
  if (input.error) lines.push(`| error | \`${cell(input.error.code)}\` ${cell(input.error.message)} |`);
  lines.push(`| exit code | ${input.exitCode} |`, '');
  if (r) lines.push(...planBlock(r));
  if (s) lines.push(...timelineTable(s));
  return `${lines.join('\n')}\n`;
}
