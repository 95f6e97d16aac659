/**
 * The analysis round of the watcher: for every active deployment in a bake, an analysis step or
 * the final bake, the minutes newly closed are judged — target against current version — from
 * one metrics read for all of them (the reader puts at most 500 queries in a GetMetricData call).
 * Each verdict is kept as an item of its own; the record keeps the latest (replaced, never a
 * growing list). A failed check fails the deployment's wait with ANALYSIS_FAILED, and the state
 * machine rolls back; an analysis step that has passed long enough (or an extended bake that
 * became conclusive) has its wait ended early, so its health check moves on.
 */
import { errorMessage } from '../core/errors.ts';
import { isoNow } from '../core/ports/clock.ts';
import type { DeploymentRecord } from '../core/model/record.ts';
import type { MetricReader } from '../core/ports/metric-reader.ts';
import type { DeploymentStore } from '../core/ports/deployment-store.ts';
import { analysisPolicy, type AnalysisPolicy } from '../core/analysis/policy.ts';
import { analysisSpan } from '../core/analysis/span.ts';
import { evaluateAnalysis, planAnalysis, type PlannedAnalysis } from '../core/analysis/evaluate.ts';
import { analysisConclusive, analysisStepPassed } from '../core/analysis/decision.ts';
import { deploymentEvent } from '../core/deployment/records.ts';
import { durationToSeconds } from '../core/model/durations.ts';
import { failWaitingStep, recheckWaitingStep, type ReleasePorts } from './control.ts';

export type AnalyzePorts = Omit<ReleasePorts, 'store'> & {
  store: Pick<DeploymentStore, 'get' | 'update'>;
  metrics: MetricReader;
};

export interface AnalyzeResult {
  /** Deployments judged this round. */
  analysed: number;
  verdicts: number;
  /** Deployments whose wait was failed by the analysis. */
  failed: string[];
  /** Deployments whose wait was ended early for their health check. */
  rechecked: string[];
}

/** A bake (or the final bake) past its own length: it waits for a conclusive analysis (onInconclusive: extend). */
function extended(record: DeploymentRecord, now: number): boolean {
  const final = record.stepIndex === record.plan.steps.length;
  const step = record.plan.steps[record.stepIndex];
  const seconds = final ? durationToSeconds(record.request.finalBake ?? 0) : step && 'bake' in step ? step.bake : undefined;
  const started = record.stepStartedAt ? Date.parse(record.stepStartedAt) : Number.NaN;
  return seconds !== undefined && Number.isFinite(started) && now >= started + seconds * 1000;
}

/**
 * Inconclusive again, for the same reason (no traffic: the same message each minute): not worth
 * an item a minute. The span keeps growing, and the next verdict that says something is written.
 */
function saysNothingNew(record: DeploymentRecord, round: ReturnType<typeof evaluateAnalysis>): boolean {
  const before = record.analysis?.stepIndex === round.state.stepIndex ? record.analysis.lastVerdicts : undefined;
  if (!before || before.length !== round.verdicts.length) return false;
  return round.verdicts.every((v, i) => v.outcome === 'Inconclusive' && before[i]!.outcome === 'Inconclusive' && before[i]!.message === v.message);
}

interface Planned {
  record: DeploymentRecord;
  policy: AnalysisPolicy;
  planned: PlannedAnalysis;
}

async function act({ record, policy, planned }: Planned, series: Awaited<ReturnType<MetricReader['read']>>, now: number, ports: AnalyzePorts): Promise<{ verdicts: number; failed: boolean; rechecked: boolean }> {
  const at = isoNow(ports.clock);
  const round = evaluateAnalysis(record.analysis, planned, series, at);
  if (saysNothingNew(record, round)) return { verdicts: 0, failed: false, rechecked: false };
  const events = round.failed ? [deploymentEvent('AnalysisFailed', round.failed.message, { stepIndex: planned.span.stepIndex, check: round.failed.check }, at)] : [];
  const updated = await ports.store.update(record.id, {
    set: { analysis: round.state },
    append: { verdicts: round.verdicts, ...(events.length > 0 ? { events } : {}) },
    when: [{ active: true }],
  });
  if (!updated) return { verdicts: 0, failed: false, rechecked: false };
  if (round.failed) {
    const result = await failWaitingStep(updated, { error: 'ANALYSIS_FAILED', cause: round.failed.message }, ports);
    return { verdicts: round.verdicts.length, failed: result.released !== undefined, rechecked: false };
  }
  const view = { policy, state: round.state };
  const step = updated.plan.steps[updated.stepIndex];
  const news = analysisStepPassed(step, view, updated.stepIndex) || (analysisConclusive(view, updated.stepIndex) && extended(updated, now));
  if (!news) return { verdicts: round.verdicts.length, failed: false, rechecked: false };
  const result = await recheckWaitingStep(updated, ports);
  return { verdicts: round.verdicts.length, failed: false, rechecked: result.released !== undefined };
}

export async function analyze(deployments: readonly DeploymentRecord[], ports: AnalyzePorts): Promise<AnalyzeResult> {
  const now = ports.clock.now();
  const planned: Planned[] = [];
  deployments.forEach((record, index) => {
    const policy = analysisPolicy(record.request);
    const span = analysisSpan(record, policy, now);
    if (span) planned.push({ record, policy, planned: planAnalysis(record, policy, span, `d${index}`) });
  });
  if (planned.length === 0) return { analysed: 0, verdicts: 0, failed: [], rechecked: [] };
  const starts = planned.flatMap(({ planned: p }) => [Date.parse(p.span.target.start), Date.parse(p.span.current.start)]);
  const ends = planned.flatMap(({ planned: p }) => [Date.parse(p.span.target.end), Date.parse(p.span.current.end)]);
  const series = await ports.metrics.read(
    planned.flatMap(({ planned: p }) => p.queries),
    { start: new Date(Math.min(...starts)).toISOString(), end: new Date(Math.max(...ends)).toISOString() },
  );
  const acted = await Promise.allSettled(planned.map((p) => act(p, series, now, ports)));
  const result: AnalyzeResult = { analysed: planned.length, verdicts: 0, failed: [], rechecked: [] };
  acted.forEach((outcome, i) => {
    const id = planned[i]!.record.id;
    if (outcome.status === 'rejected') {
      ports.log.warn('the analysis could not judge a deployment', { deploymentId: id, error: errorMessage(outcome.reason) });
      return;
    }
    result.verdicts += outcome.value.verdicts;
    if (outcome.value.failed) result.failed.push(id);
    if (outcome.value.rechecked) result.rechecked.push(id);
  });
  return result;
}
