/**
 * CheckHealth: one check of a bake, a timed pause or the final bake. The first check of a step
 * marks when it started (a guarded change returning the record); later checks only read the
 * record. Then one alarm read and the pure decision of shared/core/health.ts. A signal the
 * decision acted on (promote, promote-full) is cleared so it acts once.
 */
import { isoNow } from '../core/ports/clock.ts';
import type { CheckHealthInput, HealthResult } from '../core/model/machine.ts';
import type { DeploymentRecord } from '../core/model/record.ts';
import type { ControllerPorts } from '../core/ports/index.ts';
import { decideHealth, healthPolicy, stepDurationSeconds } from '../core/health.ts';
import { analysisPolicy } from '../core/analysis/policy.ts';
import { stepKind } from '../core/model/plan.ts';
import { deploymentEvent } from '../core/deployment/records.ts';
import { observeAlarms } from './observe-alarms.ts';
import { requireDeployment } from './records.ts';
import { consumeSignal } from './signal-store.ts';
import type { DeploymentStore } from '../core/ports/deployment-store.ts';

export type CheckHealthPorts = Pick<ControllerPorts, 'alarms' | 'clock'> & { store: Pick<DeploymentStore, 'get' | 'update'> };

function startMessage(input: CheckHealthInput): string {
  const seconds = stepDurationSeconds(input.cursor.step);
  if (input.cursor.final) return `final bake: watching alarms for ${seconds}s at 100%`;
  const kind = input.cursor.step ? stepKind(input.cursor.step) : 'step';
  return `step ${input.cursor.index}: ${kind} for ${seconds}s`;
}

/** Marks the step started, unless a check (or a retry of this one) already did. */
async function startStep(ports: CheckHealthPorts, record: DeploymentRecord, input: CheckHealthInput): Promise<DeploymentRecord> {
  const at = isoNow(ports.clock);
  const started = await ports.store.update(record.id, {
    set: { stepIndex: input.cursor.index, stepStartedAt: at, updatedAt: at },
    append: { events: [deploymentEvent('StepStarted', startMessage(input), { stepIndex: input.cursor.index }, at)] },
    when: [{ stepIndexIsNot: input.cursor.index }],
  });
  return started ?? (await requireDeployment(ports.store, record.id));
}

/** An inconclusive analysis at a step's end: said in the deployment's events, with the last verdicts. */
async function recordWarning(ports: CheckHealthPorts, record: DeploymentRecord, input: CheckHealthInput, warning: string, pause: boolean): Promise<void> {
  const at = isoNow(ports.clock);
  const verdicts = record.analysis?.stepIndex === input.cursor.index ? record.analysis.lastVerdicts.map((v) => v.message) : [];
  await ports.store.update(record.id, {
    // A pause for an operator is held as theirs would be: until resume, promote or abort.
    set: { updatedAt: at, ...(pause ? { 'signals.pause': at } : {}) },
    append: { events: [deploymentEvent('AnalysisInconclusive', warning, { stepIndex: input.cursor.index, verdicts }, at)] },
    when: [{ active: true }],
  });
}

export async function checkHealth(input: CheckHealthInput, ports: CheckHealthPorts): Promise<HealthResult> {
  let record = await requireDeployment(ports.store, input.deploymentId);
  const policy = healthPolicy(record.request);
  const alarmsRead = observeAlarms(ports.alarms, record.request.alarms, policy);
  if (record.stepIndex !== input.cursor.index) record = await startStep(ports, record, input);

  const analysis = { policy: analysisPolicy(record.request), ...(record.analysis ? { state: record.analysis } : {}) };
  const { result, consumed } = decideHealth({ cursor: input.cursor, record, alarms: await alarmsRead, policy, now: ports.clock.now(), windows: record.request.windows, analysis });
  // (If clearing fails the Task is retried and decides the same again.)
  if (consumed && result.decision !== 'fail') await consumeSignal(ports.store, record, consumed, isoNow(ports.clock));
  const { warning, ...decided } = result;
  if (warning) await recordWarning(ports, record, input, warning, result.decision === 'pause');
  return { ...decided, revisionId: record.revisionId };
}
