/**
 * The local CloudWatch: metrics, metric alarms and their history over awsJson1_0
 * (query-compatible, `x-amz-target: GraniteServiceVersion20100801.<Op>`) and over the query
 * protocol (form in, XML out) that older CLIs and SDKs send; the AWS/Lambda metrics of every
 * local invocation, and alarm evaluation on the engine clock.
 */
import type { EngineClock } from '../../clock.ts';
import { ServiceError } from '../errors.ts';
import type { InvocationRecord } from '../lambda/invoke.ts';
import type { Account } from '../lambda/names.ts';
import { jsonService, type JsonService } from '../services.ts';
import { deleteAlarms, describeAlarms, putMetricAlarm, setAlarmState } from './alarm-api.ts';
import { AlarmStore } from './alarms.ts';
import { cwError } from './errors.ts';
import { getMetricData, getMetricStatistics, listMetrics, putMetricData } from './metric-api.ts';
import { MetricStore, type Dimension } from './metrics.ts';
import { CLOUDWATCH_MAPS, CLOUDWATCH_QUERY_SHAPES, CLOUDWATCH_TIMESTAMPS, CLOUDWATCH_VERSION, CLOUDWATCH_XMLNS } from './query-shapes.ts';

export interface LocalCloudWatchOptions {
  clock: EngineClock;
  account: Account;
  /** Evaluate alarms on a timer and on DescribeAlarms (default true). */
  autoEvaluate?: boolean;
  /** Seconds (engine clock) before a datapoint shows in GetMetricData/GetMetricStatistics (default 0; the engine's default is AWS's minute). */
  metricLagSeconds?: number;
}

type Body = Record<string, unknown>;

/** A metric arrival lag: zero or more seconds. */
export function checkLag(seconds: number): number {
  if (!(Number.isFinite(seconds) && seconds >= 0)) throw new RangeError(`metric lag: must be zero or more seconds, got ${seconds}`);
  return seconds;
}

export class LocalCloudWatch {
  readonly metrics = new MetricStore();
  readonly alarms: AlarmStore;
  readonly service: JsonService;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  /** Seconds (engine clock) after its timestamp a datapoint becomes visible to the metric reads. */
  metricLagSeconds: number;

  constructor(readonly options: LocalCloudWatchOptions) {
    this.alarms = new AlarmStore(this.metrics, options.clock, `arn:aws:cloudwatch:${options.account.region}:${options.account.accountId}:alarm:`);
    this.alarms.autoEvaluate = options.autoEvaluate ?? true;
    const { clock } = options;
    this.metricLagSeconds = checkLag(options.metricLagSeconds ?? 0);
    const visibility = { clock, lagSeconds: () => this.metricLagSeconds };
    const operations: Record<string, (body: Body) => Body> = {
      PutMetricAlarm: (b) => putMetricAlarm(this.alarms, b),
      DescribeAlarms: (b) => describeAlarms(this.alarms, b),
      DescribeAlarmHistory: (b) => this.alarms.history.describe(b),
      DeleteAlarms: (b) => deleteAlarms(this.alarms, b),
      SetAlarmState: (b) => setAlarmState(this.alarms, b),
      PutMetricData: (b) => putMetricData(this.metrics, clock, b),
      GetMetricData: (b) => getMetricData(this.metrics, visibility, b),
      GetMetricStatistics: (b) => getMetricStatistics(this.metrics, visibility, b),
      ListMetrics: (b) => listMetrics(this.metrics, b),
    };
    this.service = jsonService({
      name: 'cloudwatch',
      targetPrefix: 'GraniteServiceVersion20100801',
      jsonVersion: '1.0',
      queryCompatible: true,
      query: { version: CLOUDWATCH_VERSION, xmlns: CLOUDWATCH_XMLNS, shapes: CLOUDWATCH_QUERY_SHAPES, timestamps: CLOUDWATCH_TIMESTAMPS, maps: CLOUDWATCH_MAPS },
      handle: (operation, input) => {
        const op = operations[operation];
        if (!op) throw new ServiceError('UnknownOperationException', `The local engine does not serve CloudWatch ${operation}`, { queryCode: 'InvalidAction' });
        return op(input);
      },
      throttleError: () => cwError.throttling(),
    });
  }

  /** Records the AWS/Lambda metrics of one invocation, by the dimension sets Lambda publishes. */
  recordInvocation(r: InvocationRecord): void {
    const fn: Dimension = { Name: 'FunctionName', Value: r.functionName };
    const resource: Dimension = { Name: 'Resource', Value: r.resource ?? r.functionName };
    const sets: Dimension[][] = [[], [fn], [fn, resource]];
    if (r.resource !== undefined) sets.push([fn, resource, { Name: 'ExecutedVersion', Value: r.executedVersion }]);
    for (const dimensions of sets) {
      this.putMetric('AWS/Lambda', 'Invocations', dimensions, 1, 'Count', r.timestamp);
      this.putMetric('AWS/Lambda', 'Errors', dimensions, r.error ? 1 : 0, 'Count', r.timestamp);
      this.putMetric('AWS/Lambda', 'Duration', dimensions, r.durationMs, 'Milliseconds', r.timestamp);
    }
  }

  /** Engine-side PutMetricData (any namespace, AWS/ included). */
  putMetric(namespace: string, name: string, dimensions: Dimension[], value: number, unit = 'None', timestamp = this.options.clock.now()): void {
    this.metrics.put({ namespace, name, dimensions }, { timestamp, unit, values: [value] });
  }

  /** Evaluates due alarms now (all of them with `force`). */
  evaluateAlarms(force = false): void {
    this.alarms.evaluateDue(force);
  }

  /** Starts evaluating alarms as they fall due on the clock. */
  start(): void {
    if (!this.alarms.autoEvaluate) return;
    if (this.options.clock.virtual) void this.#evaluateOnDeadlines();
    else this.#tick();
  }

  /** Virtual time: each evaluation is a background deadline, woken as the clock passes it. */
  async #evaluateOnDeadlines(): Promise<void> {
    const { clock } = this.options;
    while (!this.#closed) {
      this.alarms.evaluateDue();
      const next = this.alarms.nextDue();
      await clock.sleep(next === undefined ? 60 : Math.max(0.001, (next - clock.now()) / 1000), { background: true });
    }
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
  }

  #tick(): void {
    if (this.#closed) return;
    this.alarms.evaluateDue();
    const { clock } = this.options;
    const next = this.alarms.nextDue();
    const simMs = next === undefined ? 60_000 : Math.max(0, next - clock.now());
    const realMs = clock.speed === Infinity ? 1000 : simMs / clock.speed;
    this.#timer = setTimeout(() => this.#tick(), Math.min(1000, Math.max(5, realMs)));
    this.#timer.unref();
  }
}
