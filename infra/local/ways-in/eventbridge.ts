/**
 * EventBridge for the local engine (awsJson1_1, `AWSEvents.PutEvents`): each entry becomes an
 * event in EventBridge's envelope, is matched against the rules of template.yaml (as the stack's
 * parameters make them) and delivered to the rules' targets as EventBridge delivers to Lambda:
 * asynchronously, with Lambda's two retries of a failed asynchronous invocation.
 *
 * Unlike EventBridge, sources starting with `aws.` are accepted: locally, whoever puts the event
 * plays the AWS service (S3, ECR) that would send it.
 */
import { randomUUID } from 'node:crypto';
import type { EngineClock } from '../clock.ts';
import { ServiceError } from '../endpoint/errors.ts';
import { jsonService, type JsonService } from '../endpoint/services.ts';
import { validate } from '../endpoint/validation.ts';
import { matchesPattern } from './pattern.ts';
import type { Rule } from './rules.ts';
import { listRules } from './list-rules.ts';

export interface LocalEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

/** An event an AWS service sends to the default bus; `time` in epoch milliseconds. */
export interface ServiceEvent {
  source: string;
  detailType: string;
  detail: object;
  resources: string[];
  time: number;
}

export interface Delivery {
  eventId: string;
  rule: string;
  target: string;
  attempts: number;
  status: 'pending' | 'delivered' | 'failed';
  error?: string;
}

export interface LocalEventBridgeOptions {
  clock: EngineClock;
  region: string;
  accountId: string;
  /** The rules in force now (read at each PutEvents: parameters may change with the table). */
  rules(): Promise<Rule[]>;
  /** Calls a target (a function ARN) with the event. */
  invoke(arn: string, payload: unknown): Promise<unknown>;
  /** Where unmatched events and failed deliveries are said (default: nowhere). */
  log?: (message: string, extra: Record<string, unknown>) => void;
  /** Seconds before each retry of a failed delivery (default Lambda's async retries: 60, 120). */
  retryDelays?: number[];
}

const MAX_ENTRY_BYTES = 256 * 1024;
/** How many events, unmatched ids and deliveries the engine keeps for inspection (the newest). */
export const KEPT_EVENTS = 1000;

/** Appends, dropping the oldest beyond KEPT_EVENTS. */
function keep<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > KEPT_EVENTS) list.splice(0, list.length - KEPT_EVENTS);
}

export class LocalEventBridge {
  /** Every event put, oldest first (the last 1,000). */
  readonly events: LocalEvent[] = [];
  /** Deliveries to rule targets, oldest first (the last 1,000). */
  readonly deliveries: Delivery[] = [];
  /** Ids of the events no rule matched (the last 1,000). */
  readonly unmatched: string[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  /** Aborted when the engine closes: no retry waits on past it, no event is put after it. */
  readonly #closed = new AbortController();

  constructor(readonly options: LocalEventBridgeOptions) {}

  /** The engine is closing: deliveries waiting to retry give up, later events are dropped. */
  close(): void {
    this.#closed.abort();
  }

  async putEvents(entries: Record<string, unknown>[]): Promise<{ FailedEntryCount: number; Entries: Record<string, string>[] }> {
    const results: Record<string, string>[] = [];
    const accepted: { event: LocalEvent; bus: string }[] = [];
    for (const entry of entries) {
      const rejected = this.#check(entry);
      if (rejected) {
        results.push(rejected);
        continue;
      }
      const event: LocalEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': String(entry.DetailType),
        source: String(entry.Source),
        account: this.options.accountId,
        time: typeof entry.Time === 'number' ? new Date(entry.Time * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') : new Date(this.options.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: this.options.region,
        resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
        detail: JSON.parse(String(entry.Detail)),
      };
      accepted.push({ event, bus: String(entry.EventBusName ?? 'default').split('/').pop()! });
      results.push({ EventId: event.id });
    }
    if (accepted.length > 0) {
      const rules = await this.options.rules();
      for (const { event, bus } of accepted) this.#route(event, bus, rules);
    }
    return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
  }

  /**
   * An event an AWS service sends (Step Functions' execution status, CloudWatch's alarm state):
   * put on the default bus like any other and routed by the rules; `drain()` waits for it too.
   */
  publish(event: ServiceEvent): void {
    if (this.#closed.signal.aborted) return;
    const run = this.putEvents([
      { Source: event.source, DetailType: event.detailType, Detail: JSON.stringify(event.detail), Resources: event.resources, Time: event.time / 1000 },
    ]).then(
      (out) => {
        if (out.FailedEntryCount > 0) this.options.log?.('service event refused', { source: event.source, detailType: event.detailType, ...out.Entries[0] });
      },
      (error: unknown) => this.options.log?.('service event not put', { source: event.source, error: error instanceof Error ? error.message : String(error) }),
    );
    const tracked = run.finally(() => this.#inFlight.delete(tracked));
    this.#inFlight.add(tracked);
  }

  /** Waits until every delivery started so far has ended (retries included). */
  async drain(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  service(): JsonService {
    return jsonService({
      name: 'events',
      targetPrefix: 'AWSEvents',
      jsonVersion: '1.1',
      handle: async (operation, input) => {
        if (operation === 'ListRules') return listRules(await this.options.rules(), input, this.options);
        if (operation !== 'PutEvents') {
          throw new ServiceError('UnknownOperationException', `The local engine's EventBridge serves PutEvents and ListRules, not ${operation}`);
        }
        validate([['entries', input.Entries, { required: true, type: 'list', minLength: 1, maxLength: 10 }]]);
        return this.putEvents(input.Entries as Record<string, unknown>[]);
      },
    });
  }

  #check(entry: Record<string, unknown>): Record<string, string> | undefined {
    for (const field of ['Source', 'DetailType', 'Detail'] as const) {
      if (typeof entry[field] !== 'string' || entry[field] === '') {
        return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.` };
      }
    }
    let detail: unknown;
    try {
      detail = JSON.parse(String(entry.Detail));
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    if (Buffer.byteLength(JSON.stringify(entry)) > MAX_ENTRY_BYTES) return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Total size of the entries in the request is over the limit.' };
    return undefined;
  }

  #route(event: LocalEvent, bus: string, rules: Rule[]): void {
    keep(this.events, event);
    const matched = rules.filter((r) => r.enabled && r.eventBusName === bus && matchesPattern(r.pattern, event));
    if (matched.length === 0) {
      keep(this.unmatched, event.id);
      this.options.log?.('event matched no rule', { eventId: event.id, source: event.source, detailType: event['detail-type'], bus });
      return;
    }
    for (const rule of matched) {
      for (const target of rule.targets) {
        const delivery: Delivery = { eventId: event.id, rule: rule.logicalId, target: target.arn, attempts: 0, status: 'pending' };
        keep(this.deliveries, delivery);
        const payload = target.input === undefined ? event : JSON.parse(target.input);
        const run = this.#deliver(delivery, payload).finally(() => this.#inFlight.delete(run));
        this.#inFlight.add(run);
      }
    }
  }

  async #deliver(delivery: Delivery, payload: unknown): Promise<void> {
    const delays = this.options.retryDelays ?? [60, 120];
    for (;;) {
      delivery.attempts += 1;
      try {
        await this.options.invoke(delivery.target, payload);
        delivery.status = 'delivered';
        delete delivery.error;
        return;
      } catch (error) {
        delivery.error = error instanceof Error ? error.message : String(error);
        const delay = delays[delivery.attempts - 1];
        if (delay === undefined || this.#closed.signal.aborted) {
          delivery.status = 'failed';
          this.options.log?.('event delivery failed', { ...delivery });
          return;
        }
        await this.options.clock.sleep(delay, { signal: this.#closed.signal });
        if (this.#closed.signal.aborted) {
          delivery.status = 'failed';
          delivery.error = `${delivery.error}; not retried: the engine closed`;
          return;
        }
      }
    }
  }
}
