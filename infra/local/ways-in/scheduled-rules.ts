/**
 * Scheduled rules of the template (SAM `Schedule` events: `rate(N minute|minutes|hour|hours|day|days)`)
 * run on the engine's clock: each target function is invoked with EventBridge's `Scheduled Event`
 * at every period. One tick at a time per rule, and at most one every MIN_REAL_GAP_MS of real
 * time: on a very fast clock the ticks a period covered are one tick, as a slow consumer of
 * EventBridge would see them late, and the engine's CPU stays with the deployments.
 */
import { randomUUID } from 'node:crypto';
import type { EngineClock } from '../clock.ts';
import type { Invoker } from '../sfn/bindings.ts';
import type { ParsedTemplate } from './rules.ts';

export interface ScheduledRule {
  logicalId: string;
  periodSeconds: number;
  functionLogicalId: string;
}

/** At most 20 ticks a second of real time per rule, whatever the clock's speed. */
const MIN_REAL_GAP_MS = 50;

const UNITS: Record<string, number> = { minute: 60, minutes: 60, hour: 3600, hours: 3600, day: 86_400, days: 86_400 };

/** `rate(1 minute)` → 60; undefined for what the engine does not run (cron expressions). */
export function rateSeconds(expression: string): number | undefined {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  return match ? Number(match[1]) * UNITS[match[2]!]! : undefined;
}

export function scheduledRules(template: ParsedTemplate): ScheduledRule[] {
  const rules: ScheduledRule[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Serverless::Function') continue;
    const events = (resource.Properties?.Events ?? {}) as Record<string, { Type?: string; Properties?: Record<string, unknown> }>;
    for (const [name, event] of Object.entries(events)) {
      if (event.Type !== 'Schedule' || event.Properties?.Enabled === false) continue;
      const period = rateSeconds(String(event.Properties?.Schedule ?? ''));
      if (period) rules.push({ logicalId: `${id}${name}`, periodSeconds: period, functionLogicalId: id });
    }
  }
  return rules;
}

export class ScheduledRuleRunner {
  #stopped = false;
  #inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly options: {
      clock: EngineClock;
      region: string;
      accountId: string;
      invoke: Invoker;
      functionArn: (logicalId: string) => string | undefined;
      log?: (message: string) => void;
    },
  ) {}

  start(rules: ScheduledRule[]): void {
    for (const rule of rules) void this.#loop(rule);
  }

  async #loop(rule: ScheduledRule): Promise<void> {
    const { clock, region, accountId } = this.options;
    const arn = this.options.functionArn(rule.functionLogicalId);
    if (!arn) return;
    while (!this.#stopped) {
      await clock.sleep(rule.periodSeconds);
      if (this.#stopped) return;
      const event = {
        version: '0',
        id: randomUUID(),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: accountId,
        time: new Date(clock.now()).toISOString().replace(/\.\d+Z$/, 'Z'),
        region,
        resources: [`arn:aws:events:${region}:${accountId}:rule/${rule.logicalId}`],
        detail: {},
      };
      const tick = this.options.invoke(arn, event).catch((error: unknown) => this.options.log?.(`scheduled rule ${rule.logicalId}: ${(error as Error).message}`));
      this.#inFlight.add(tick);
      await tick;
      this.#inFlight.delete(tick);
      if (Number.isFinite(clock.speed) && (rule.periodSeconds * 1000) / clock.speed < MIN_REAL_GAP_MS) {
        await new Promise((resolve) => setTimeout(resolve, MIN_REAL_GAP_MS));
      }
    }
  }

  /** Waits for the ticks under way. */
  async drain(): Promise<void> {
    await Promise.all([...this.#inFlight]);
  }

  stop(): void {
    this.#stopped = true;
  }
}
