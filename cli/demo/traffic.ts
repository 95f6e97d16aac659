/**
 * The demo's traffic generator: invokes an alias at a steady rate through the Lambda API, and
 * counts which version answered (`X-Amz-Executed-Version`) and which calls failed.
 */
import type { Clients } from '../../shared/aws/clients.ts';
import { invokeAlias } from '../../shared/aws/sample-app.ts';

export interface TrafficCounts {
  requests: number;
  errors: number;
  byVersion: Record<string, { requests: number; errors: number }>;
}

export class TrafficGenerator {
  readonly counts: TrafficCounts = { requests: 0, errors: 0, byVersion: {} };
  #timer: NodeJS.Timeout | undefined;
  #inFlight = new Set<Promise<void>>();
  #seq = 0;

  constructor(
    private readonly lambda: Clients['lambda'],
    private readonly functionName: string,
    private readonly alias: string,
    /** Invocations per real second. */
    private readonly rate: number,
  ) {}

  start(): void {
    if (this.#timer) return;
    const everyMs = 50;
    let credit = 0;
    this.#timer = setInterval(() => {
      credit += (this.rate * everyMs) / 1000;
      while (credit >= 1 && this.#inFlight.size < 64) {
        credit -= 1;
        const call = this.#invoke().finally(() => this.#inFlight.delete(call));
        this.#inFlight.add(call);
      }
    }, everyMs);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await Promise.all([...this.#inFlight]);
  }

  /** Counts since the given ones (for one phase of the demo). */
  since(before: TrafficCounts): TrafficCounts {
    const byVersion: TrafficCounts['byVersion'] = {};
    for (const [version, now] of Object.entries(this.counts.byVersion)) {
      const was = before.byVersion[version] ?? { requests: 0, errors: 0 };
      if (now.requests - was.requests > 0) byVersion[version] = { requests: now.requests - was.requests, errors: now.errors - was.errors };
    }
    return { requests: this.counts.requests - before.requests, errors: this.counts.errors - before.errors, byVersion };
  }

  snapshot(): TrafficCounts {
    return structuredClone(this.counts);
  }

  async #invoke(): Promise<void> {
    const id = ++this.#seq;
    const order = { id: `order-${id}`, quantity: 1 + (id % 3), unitPrice: 12.5 };
    const { executedVersion: version, failed } = await invokeAlias(this.lambda, this.functionName, this.alias, { order });
    this.counts.requests += 1;
    const slot = (this.counts.byVersion[version] ??= { requests: 0, errors: 0 });
    slot.requests += 1;
    if (failed) {
      this.counts.errors += 1;
      slot.errors += 1;
    }
  }
}

export function describeTraffic(counts: TrafficCounts): string {
  const versions = Object.entries(counts.byVersion)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([v, c]) => `v${v} ${c.requests}${c.errors ? ` (${c.errors} error${c.errors === 1 ? '' : 's'})` : ''}`)
    .join(', ');
  return `traffic: ${counts.requests} requests${versions ? ` — ${versions}` : ''}`;
}
