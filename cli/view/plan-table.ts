/**
 * The human view of a plan: each step with the weight it leaves and the time from the start at
 * which it happens, then the total duration.
 */
import type { PlanPreview, PlanStep } from '../../shared/core/model/plan.ts';
import { describeStep, formatDuration } from './describe.ts';
import type { Style } from './style.ts';

/** Steps that wait for a person or a date: the clock after them is a lower bound. */
function waitsOpenEnded(step: PlanStep): boolean {
  return 'approval' in step || ('pause' in step && (step.pause.duration === undefined || step.pause.until !== undefined || step.pause.untilWindow === true));
}

interface Row {
  index: string;
  step: string;
  weight: string;
  at: string;
}

export function renderPlanTable(plan: PlanPreview, style: Style): string {
  const lines: string[] = [];
  const target = plan.functionName === undefined ? '(function not given)' : `${plan.functionName}${plan.alias === undefined ? '' : `:${plan.alias}`}`;
  const versions =
    plan.currentVersion !== undefined || plan.targetVersion !== undefined
      ? `  version ${plan.currentVersion ?? '(current)'} → ${plan.targetVersion ?? '(target)'}`
      : '';
  lines.push(`${style.bold('Plan')} ${target}${versions}  strategy ${style.bold(plan.strategy)}`);
  if (plan.alarms !== undefined && plan.alarms.length > 0) lines.push(`alarms: ${plan.alarms.join(', ')}`);
  lines.push('');

  const rows: Row[] = [];
  let weight = 0;
  let clock = 0;
  let openEnded = false;
  const at = () => `${openEnded ? '≥ ' : ''}${formatDuration(clock)}`;
  if (plan.hooks?.beforeAllowTraffic !== undefined) {
    rows.push({ index: '', step: `BeforeAllowTraffic hook ${plan.hooks.beforeAllowTraffic}`, weight: '0%', at: at() });
  }
  plan.steps.forEach((step, i) => {
    if ('setWeight' in step) weight = step.setWeight;
    rows.push({ index: String(i + 1), step: describeStep(step), weight: `${weight}%`, at: at() });
    if ('bake' in step) clock += step.bake;
    else if ('pause' in step && step.pause.duration !== undefined) clock += step.pause.duration;
    if (waitsOpenEnded(step)) openEnded = true;
  });
  if (plan.hooks?.afterAllowTraffic !== undefined) {
    rows.push({ index: '', step: `AfterAllowTraffic hook ${plan.hooks.afterAllowTraffic}`, weight: '100%', at: at() });
  }

  const header: Row = { index: '#', step: 'step', weight: 'weight', at: 'at' };
  const width = (key: keyof Row) => Math.max(...[header, ...rows].map((row) => row[key].length));
  const w = { index: width('index'), step: width('step'), weight: width('weight'), at: width('at') };
  const line = (row: Row) =>
    `${row.index.padStart(w.index)}  ${row.step.padEnd(w.step)}  ${row.weight.padStart(w.weight)}  ${row.at.padStart(w.at)}`.trimEnd();
  lines.push(style.dim(line(header)));
  for (const row of rows) lines.push(line(row));
  lines.push('');
  const total = `${openEnded ? '≥ ' : ''}${formatDuration(clock)}`;
  const waits = openEnded ? ' (approvals, untimed pauses and dates wait as long as they take)' : '';
  lines.push(`${style.bold('Total')} ${total}${waits}`);
  for (const warning of plan.warnings ?? []) lines.push(style.yellow(`warning: ${warning}`));
  return `${lines.join('\n')}\n`;
}
