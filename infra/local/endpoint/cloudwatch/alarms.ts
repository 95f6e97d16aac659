/**
 * Metric alarms: stored definitions, their state, and evaluation on the engine clock. An alarm is
 * evaluated when due — every min(Period, 60) simulated seconds, as CloudWatch evaluates each
 * minute (each period for high-resolution alarms) — or as soon as its metric received new data;
 * the window is the last EvaluationPeriods × Period before the evaluation time. SetAlarmState
 * holds until the next evaluation, as on AWS.
 */
import type { Clock } from '../../../../shared/core/ports/clock.ts';
import type { AlarmDefinition } from './alarm-input.ts';
import { cwError, seconds } from './errors.ts';
import { evaluate, type AlarmState, type Datapoint } from './evaluate.ts';
import { statistic, type MetricId, type MetricStore } from './metrics.ts';

export interface AlarmRecord extends AlarmDefinition {
  arn: string;
  state: AlarmState;
  stateReason: string;
  stateReasonData?: string;
  stateUpdated: number;
  stateTransitioned: number;
  configUpdated: number;
  nextEvaluation: number;
  seenVersion: number;
}

/** An alarm's state before a change (CloudWatch's `previousState`); `timestamp` in epoch ms. */
export interface PreviousAlarmState {
  value: AlarmState;
  reason: string;
  reasonData?: string;
  timestamp: number;
}

/** An alarm that changed state (by evaluation or SetAlarmState): what CloudWatch tells EventBridge. */
export interface AlarmStateChange {
  alarm: AlarmRecord;
  previous: PreviousAlarmState;
}

export interface DescribeFilter {
  names?: string[];
  prefix?: string;
  state?: AlarmState;
  actionPrefix?: string;
}

export class AlarmStore {
  readonly #alarms = new Map<string, AlarmRecord>();
  /** When false, alarms change only through SetAlarmState or `evaluateAll(true)`. */
  autoEvaluate = true;
  /** Told of every change of an alarm's state (not of a SetAlarmState to the state it is in). */
  onStateChange: ((change: AlarmStateChange) => void) | undefined;

  constructor(
    readonly metrics: MetricStore,
    readonly clock: Clock,
    readonly arnPrefix: string,
  ) {}

  /** PutMetricAlarm: creates, or replaces the configuration and keeps the state. */
  put(definition: AlarmDefinition): AlarmRecord {
    const now = this.clock.now();
    const existing = this.#alarms.get(definition.name);
    const record: AlarmRecord = existing
      ? { ...existing, ...definition, configUpdated: now, nextEvaluation: now }
      : {
          ...definition,
          arn: `${this.arnPrefix}${definition.name}`,
          state: 'INSUFFICIENT_DATA',
          stateReason: 'Unchecked: Initial alarm creation',
          stateUpdated: now,
          stateTransitioned: now,
          configUpdated: now,
          nextEvaluation: now,
          seenVersion: -1,
        };
    if (existing) {
      // Fields left out of the new definition do not survive an update.
      for (const key of ['description', 'statistic', 'extendedStatistic', 'unit', 'datapointsToAlarm', 'treatMissingData', 'evaluateLowSampleCountPercentile'] as const) {
        if (definition[key] === undefined) delete record[key];
      }
    }
    this.#alarms.set(definition.name, record);
    return record;
  }

  get(name: string): AlarmRecord | undefined {
    return this.#alarms.get(name);
  }

  describe(filter: DescribeFilter): AlarmRecord[] {
    if (this.autoEvaluate) this.evaluateDue();
    const names = filter.names && new Set(filter.names);
    return [...this.#alarms.values()]
      .filter(
        (a) =>
          (!names || names.has(a.name)) &&
          (filter.prefix === undefined || a.name.startsWith(filter.prefix)) &&
          (filter.state === undefined || a.state === filter.state) &&
          (filter.actionPrefix === undefined || a.alarmActions.some((x) => x.startsWith(filter.actionPrefix!))),
      )
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** DeleteAlarms: all or nothing — an unknown name deletes none. */
  delete(names: string[]): void {
    const unknown = names.filter((n) => !this.#alarms.has(n));
    if (unknown.length > 0) throw cwError.resourceNotFound(`${unknown.length} alarm(s) not found: [${unknown.join(', ')}]`);
    for (const name of names) this.#alarms.delete(name);
  }

  setState(name: string, state: AlarmState, reason: string, reasonData: string | undefined): void {
    const alarm = this.#alarms.get(name);
    if (!alarm) throw cwError.resourceNotFound(`Alarm ${name} not found`);
    const now = this.clock.now();
    this.#transition(alarm, state, reason, reasonData, now);
    alarm.nextEvaluation = now + this.#intervalMs(alarm);
    alarm.seenVersion = this.metrics.version(metricOf(alarm));
  }

  /** Evaluates the alarms that are due (or all of them with `force`); returns those that changed state. */
  evaluateDue(force = false): AlarmRecord[] {
    const now = this.clock.now();
    const changed: AlarmRecord[] = [];
    for (const alarm of this.#alarms.values()) {
      const version = this.metrics.version(metricOf(alarm));
      if (!force && now < alarm.nextEvaluation && version === alarm.seenVersion) continue;
      alarm.nextEvaluation = now + this.#intervalMs(alarm);
      alarm.seenVersion = version;
      const before = alarm.state;
      this.#evaluate(alarm, now);
      if (alarm.state !== before) changed.push(alarm);
    }
    return changed;
  }

  /** The soonest simulated time at which some alarm falls due. */
  nextDue(): number | undefined {
    let next: number | undefined;
    for (const a of this.#alarms.values()) if (next === undefined || a.nextEvaluation < next) next = a.nextEvaluation;
    return next;
  }

  render(a: AlarmRecord): Record<string, unknown> {
    return {
      AlarmName: a.name,
      AlarmArn: a.arn,
      ...(a.description === undefined ? {} : { AlarmDescription: a.description }),
      AlarmConfigurationUpdatedTimestamp: seconds(a.configUpdated),
      ActionsEnabled: a.actionsEnabled,
      OKActions: a.okActions,
      AlarmActions: a.alarmActions,
      InsufficientDataActions: a.insufficientDataActions,
      StateValue: a.state,
      StateReason: a.stateReason,
      ...(a.stateReasonData === undefined ? {} : { StateReasonData: a.stateReasonData }),
      StateUpdatedTimestamp: seconds(a.stateUpdated),
      MetricName: a.metricName,
      Namespace: a.namespace,
      ...(a.statistic === undefined ? {} : { Statistic: a.statistic }),
      ...(a.extendedStatistic === undefined ? {} : { ExtendedStatistic: a.extendedStatistic }),
      Dimensions: a.dimensions,
      Period: a.periodS,
      ...(a.unit === undefined ? {} : { Unit: a.unit }),
      EvaluationPeriods: a.evaluationPeriods,
      ...(a.datapointsToAlarm === undefined ? {} : { DatapointsToAlarm: a.datapointsToAlarm }),
      Threshold: a.threshold,
      ComparisonOperator: a.comparison,
      ...(a.treatMissingData === undefined ? {} : { TreatMissingData: a.treatMissingData }),
      ...(a.evaluateLowSampleCountPercentile === undefined ? {} : { EvaluateLowSampleCountPercentile: a.evaluateLowSampleCountPercentile }),
      StateTransitionedTimestamp: seconds(a.stateTransitioned),
    };
  }

  #intervalMs(alarm: AlarmRecord): number {
    return Math.min(alarm.periodS, 60) * 1000;
  }

  #evaluate(alarm: AlarmRecord, now: number): void {
    const stat = alarm.statistic ?? alarm.extendedStatistic!;
    const p = alarm.periodS * 1000;
    // Windows end with the current second, so data recorded at this instant counts.
    const anchor = Math.floor(now / 1000) * 1000 + 1000;
    const points: Datapoint[] = [];
    for (let i = 0; i < alarm.evaluationPeriods; i++) {
      const end = anchor - i * p;
      const cells = this.metrics.cells(metricOf(alarm), end - p, end, alarm.unit);
      points.push({ t: end - p, value: statistic(cells, stat) });
    }
    const verdict = evaluate(
      {
        statistic: stat,
        periodS: alarm.periodS,
        evaluationPeriods: alarm.evaluationPeriods,
        datapointsToAlarm: alarm.datapointsToAlarm ?? alarm.evaluationPeriods,
        threshold: alarm.threshold,
        comparison: alarm.comparison,
        treatMissingData: alarm.treatMissingData ?? 'missing',
      },
      points,
      now,
    );
    if (verdict.state !== undefined && verdict.state !== alarm.state) {
      this.#transition(alarm, verdict.state, verdict.reason, JSON.stringify(verdict.reasonData), now);
    }
  }

  #transition(alarm: AlarmRecord, state: AlarmState, reason: string, reasonData: string | undefined, now: number): void {
    const previous: PreviousAlarmState | undefined =
      alarm.state === state
        ? undefined
        : { value: alarm.state, reason: alarm.stateReason, ...(alarm.stateReasonData === undefined ? {} : { reasonData: alarm.stateReasonData }), timestamp: alarm.stateUpdated };
    if (alarm.state !== state) alarm.stateTransitioned = now;
    alarm.state = state;
    alarm.stateReason = reason;
    if (reasonData === undefined) delete alarm.stateReasonData;
    else alarm.stateReasonData = reasonData;
    alarm.stateUpdated = now;
    if (previous) {
      try {
        this.onStateChange?.({ alarm, previous });
      } catch {
        // The listener's failure is its own: the alarm has changed state either way.
      }
    }
  }
}

export function metricOf(alarm: AlarmDefinition): MetricId {
  return { namespace: alarm.namespace, name: alarm.metricName, dimensions: alarm.dimensions };
}
