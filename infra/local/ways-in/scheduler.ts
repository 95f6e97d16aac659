/**
 * EventBridge Scheduler for the local engine (restJson1, botocore `scheduler` 2021-06-30):
 * CreateSchedule, GetSchedule, DeleteSchedule, ListSchedules on the default group. One-time
 * schedules (`at(yyyy-mm-ddThh:mm:ss)` in `ScheduleExpressionTimezone`, default UTC) fire on the
 * engine's clock: the target (a function ARN) is invoked with the schedule's `Input`, then the
 * schedule is deleted when `ActionAfterCompletion` is DELETE. rate() and cron() schedules are
 * refused: the engine runs one-time schedules only.
 */
import type { EngineClock } from '../clock.ts';
import { ServiceError } from '../endpoint/errors.ts';
import { restService, type RestResponse, type RestService } from '../endpoint/services.ts';
import { validate } from '../endpoint/validation.ts';
import { isTimeZone, zonedTimeToEpoch } from '../../../shared/core/windows.ts';

const NAME = '^[0-9a-zA-Z-_.]+$';
const ROLE_ARN = '^arn:aws(-[a-z]+)?:iam::\\d{12}:role\\/(service-role\\/){0,1}[a-zA-Z0-9\\+=,\\.@\\-_]+$';
const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;
const DEFAULT_GROUP = 'default';

export interface Schedule {
  Name: string;
  GroupName: string;
  Arn: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone: string;
  State: 'ENABLED' | 'DISABLED';
  ActionAfterCompletion: 'NONE' | 'DELETE';
  FlexibleTimeWindow: { Mode: string; MaximumWindowInMinutes?: number };
  Target: { Arn: string; RoleArn: string; Input?: string; RetryPolicy?: { MaximumRetryAttempts?: number } };
  Description?: string;
  CreationDate: number;
  LastModificationDate: number;
  /** Epoch ms when it fires. */
  fireAt: number;
}

export interface Firing {
  name: string;
  groupName: string;
  target: string;
  /** Simulated epoch ms. */
  firedAt: number;
  attempts: number;
  status: 'invoked' | 'failed';
  error?: string;
}

export interface LocalSchedulerOptions {
  clock: EngineClock;
  region: string;
  accountId: string;
  invoke(arn: string, payload: unknown): Promise<unknown>;
}

const KEPT_FIRINGS = 1000;

const validation = (message: string) => new ServiceError('ValidationException', message, { messageKey: 'Message' });

export class LocalScheduler {
  readonly schedules = new Map<string, Schedule>();
  /** Firings, oldest first (the last 1,000: a rate schedule fires without end). */
  readonly firings: Firing[] = [];
  readonly #inFlight = new Map<Promise<void>, Schedule>();

  constructor(readonly options: LocalSchedulerOptions) {}

  #key(group: string, name: string): string {
    return `${group}/${name}`;
  }

  create(name: string, body: Record<string, unknown>): Schedule {
    const target = body.Target as Record<string, unknown> | undefined;
    const flexible = body.FlexibleTimeWindow as Record<string, unknown> | undefined;
    validate(
      [
        ['name', name, { required: true, type: 'string', minLength: 1, maxLength: 64, pattern: NAME }],
        ['groupName', body.GroupName, { type: 'string', minLength: 1, maxLength: 64, pattern: NAME }],
        ['scheduleExpression', body.ScheduleExpression, { required: true, type: 'string', minLength: 1, maxLength: 256 }],
        ['flexibleTimeWindow', flexible, { required: true, type: 'structure' }],
        ['flexibleTimeWindow.mode', flexible?.Mode, { required: true, type: 'string', enum: ['OFF', 'FLEXIBLE'] }],
        ['target', target, { required: true, type: 'structure' }],
        ['target.arn', target?.Arn, { required: true, type: 'string', minLength: 1, maxLength: 1600 }],
        ['target.roleArn', target?.RoleArn, { required: true, type: 'string', minLength: 1, maxLength: 1600, pattern: ROLE_ARN }],
        ['target.input', target?.Input, { type: 'string', minLength: 1 }],
        ['state', body.State, { type: 'string', enum: ['ENABLED', 'DISABLED'] }],
        ['actionAfterCompletion', body.ActionAfterCompletion, { type: 'string', enum: ['NONE', 'DELETE'] }],
        ['description', body.Description, { type: 'string', maxLength: 512 }],
      ],
      'ValidationException',
      { messageKey: 'Message' },
    );
    const group = (body.GroupName as string | undefined) ?? DEFAULT_GROUP;
    if (group !== DEFAULT_GROUP) throw new ServiceError('ResourceNotFoundException', `Schedule group ${group} does not exist.`, { status: 404, messageKey: 'Message' });
    const key = this.#key(group, name);
    if (this.schedules.has(key)) throw new ServiceError('ConflictException', `Schedule ${name} already exists.`, { status: 409, messageKey: 'Message' });
    const timezone = (body.ScheduleExpressionTimezone as string | undefined) ?? 'UTC';
    if (!isTimeZone(timezone)) throw validation(`Invalid ScheduleExpressionTimezone: ${timezone}`);
    const expression = body.ScheduleExpression as string;
    const at = AT.exec(expression);
    if (!at) {
      if (/^(rate|cron)\(/.test(expression)) throw validation(`The local engine runs one-time schedules only (at(yyyy-mm-ddThh:mm:ss)), not ${expression}`);
      throw validation(`Invalid Schedule Expression ${expression}.`);
    }
    const [year, month, day, hour, minute, second] = at.slice(1).map(Number) as [number, number, number, number, number, number];
    const now = this.options.clock.now();
    const schedule: Schedule = {
      Name: name,
      GroupName: group,
      Arn: `arn:aws:scheduler:${this.options.region}:${this.options.accountId}:schedule/${group}/${name}`,
      ScheduleExpression: expression,
      ScheduleExpressionTimezone: timezone,
      State: (body.State as Schedule['State'] | undefined) ?? 'ENABLED',
      ActionAfterCompletion: (body.ActionAfterCompletion as Schedule['ActionAfterCompletion'] | undefined) ?? 'NONE',
      FlexibleTimeWindow: flexible as Schedule['FlexibleTimeWindow'],
      Target: target as Schedule['Target'],
      ...(typeof body.Description === 'string' ? { Description: body.Description } : {}),
      CreationDate: now / 1000,
      LastModificationDate: now / 1000,
      fireAt: zonedTimeToEpoch({ year, month, day, hour, minute, second }, timezone),
    };
    this.schedules.set(key, schedule);
    const run = this.#fire(schedule).finally(() => this.#inFlight.delete(run));
    this.#inFlight.set(run, schedule);
    return schedule;
  }

  get(name: string, group = DEFAULT_GROUP): Schedule {
    const found = this.schedules.get(this.#key(group, name));
    if (!found) throw new ServiceError('ResourceNotFoundException', `Schedule ${name} does not exist.`, { status: 404, messageKey: 'Message' });
    return found;
  }

  delete(name: string, group = DEFAULT_GROUP): void {
    this.get(name, group);
    this.schedules.delete(this.#key(group, name));
  }

  /** Waits until every schedule that is due now has fired (retries included); later ones are left. */
  async drain(): Promise<void> {
    for (;;) {
      const now = this.options.clock.now();
      const due = [...this.#inFlight].filter(([, s]) => s.fireAt <= now).map(([run]) => run);
      if (due.length === 0) return;
      await Promise.allSettled(due);
    }
  }

  async #fire(schedule: Schedule): Promise<void> {
    const key = this.#key(schedule.GroupName, schedule.Name);
    const live = () => this.schedules.get(key) === schedule;
    // Sleep in short steps (at most a simulated minute, about a real second): a deleted schedule
    // stops waiting soon, and no long timer outlives the engine.
    for (let remaining = schedule.fireAt - this.options.clock.now(); remaining > 0 && live(); remaining = schedule.fireAt - this.options.clock.now()) {
      await this.options.clock.sleep(Math.min(remaining / 1000, 60, Math.max(1, this.options.clock.speed)));
    }
    // Deleted (or replaced) in the meantime, or disabled: nothing to do.
    if (!live() || schedule.State !== 'ENABLED') return;
    const firing: Firing = { name: schedule.Name, groupName: schedule.GroupName, target: schedule.Target.Arn, firedAt: this.options.clock.now(), attempts: 0, status: 'invoked' };
    this.firings.push(firing);
    if (this.firings.length > KEPT_FIRINGS) this.firings.splice(0, this.firings.length - KEPT_FIRINGS);
    const payload = schedule.Target.Input === undefined ? {} : parseInput(schedule.Target.Input);
    const retries = Math.min(schedule.Target.RetryPolicy?.MaximumRetryAttempts ?? 2, 2);
    for (;;) {
      firing.attempts += 1;
      try {
        await this.options.invoke(schedule.Target.Arn, payload);
        firing.status = 'invoked';
        delete firing.error;
        break;
      } catch (error) {
        firing.status = 'failed';
        firing.error = error instanceof Error ? error.message : String(error);
        if (firing.attempts > retries) break;
        await this.options.clock.sleep(60);
      }
    }
    if (schedule.ActionAfterCompletion === 'DELETE' && this.schedules.get(key) === schedule) this.schedules.delete(key);
  }

  service(): RestService {
    const view = (s: Schedule) => {
      const { fireAt: _fireAt, ...wire } = s;
      return wire;
    };
    const group = (query: URLSearchParams) => query.get('groupName') ?? DEFAULT_GROUP;
    const ok = (body: unknown): RestResponse => ({ status: 200, body });
    return restService({
      name: 'scheduler',
      errorBody: () => ({}),
      throttleError: () => new ServiceError('ThrottlingException', 'Rate exceeded', { status: 429, messageKey: 'Message' }),
      routes: [
        { method: 'POST', path: '/schedules/{Name}', operation: 'CreateSchedule', handle: (req) => ok({ ScheduleArn: this.create(req.params.Name!, req.json()).Arn }) },
        { method: 'GET', path: '/schedules/{Name}', operation: 'GetSchedule', handle: (req) => ok(view(this.get(req.params.Name!, group(req.query)))) },
        { method: 'DELETE', path: '/schedules/{Name}', operation: 'DeleteSchedule', handle: (req) => (this.delete(req.params.Name!, group(req.query)), ok({})) },
        {
          method: 'GET',
          path: '/schedules',
          operation: 'ListSchedules',
          handle: (req) =>
            ok({
              Schedules: [...this.schedules.values()]
                .filter((s) => !req.query.get('NamePrefix') || s.Name.startsWith(req.query.get('NamePrefix')!))
                .map((s) => ({ Arn: s.Arn, Name: s.Name, GroupName: s.GroupName, State: s.State, CreationDate: s.CreationDate, LastModificationDate: s.LastModificationDate, Target: { Arn: s.Target.Arn } })),
            }),
        },
      ],
    });
  }
}

/** The target's payload: the Input's JSON, or the text itself when it is not JSON. */
function parseInput(input: string): unknown {
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return input;
  }
}
