/**
 * Fault injection: make matching calls of an operation fail, as the real service would when it
 * throttles or breaks, answer late (`latencyMs`), or take effect and still fail (`lostAnswer`). Tests use it through the JS API
 * (`endpoint.faults.add`) or over HTTP (`POST /__glidepath/faults`, `GET` to list, `DELETE` to
 * clear). A spec is checked when added: an unknown service or operation, or a bad number, is refused
 * with a message naming the field (HTTP 400), and nothing is armed.
 */
export interface FaultSpec {
  /** Service name as registered: `lambda`, `cloudwatch`, `sfn`, `codedeploy`, … */
  service: string;
  /** Operation name (`Invoke`, `UpdateAlias`, `DescribeAlarms`, …) or `*` for any. */
  operation: string;
  /** How many matching calls the fault affects (default 1). */
  count?: number;
  /** Chance (0 < p ≤ 1, default 1) that a matching call is affected; a call left alone uses up nothing. */
  probability?: number;
  /**
   * Delay each affected call by this many milliseconds of the engine's clock before it is served
   * (or fails, with `error`). Without `error` the call then succeeds: a latency-only fault.
   */
  latencyMs?: number;
  /** Error name; default: the service's throttling error (Lambda `TooManyRequestsException`). */
  error?: string;
  /** HTTP status for a named error (default 400, or 500 for names ending in `ServiceException`/`InternalFailure`). */
  status?: number;
  message?: string;
  /** Only calls whose path or body contains this text (e.g. a function name). */
  pathIncludes?: string;
  /**
   * A lost answer: the call is served (it takes effect), then the client gets the error instead of
   * the answer, as when a response is lost on the way back. Default false: the call fails unserved.
   */
  lostAnswer?: boolean;
}

interface ArmedFault extends FaultSpec {
  remaining: number;
}

export interface FaultProbe {
  path: string;
  body: string;
}

/** What an affected call must do: wait `latencyMs`, then fail unless `fails` is false (after being served when `lostAnswer`). */
export interface FaultEffect {
  spec: FaultSpec;
  latencyMs: number;
  fails: boolean;
  lostAnswer: boolean;
}

/** The services and operations a spec may name. */
export interface FaultCatalogue {
  services(): readonly string[];
  /** The operations of a service, or undefined when any name is accepted. */
  operations(service: string): ReadonlySet<string> | undefined;
}

const FIELDS = new Set(['service', 'operation', 'count', 'probability', 'latencyMs', 'error', 'status', 'message', 'pathIncludes', 'lostAnswer']);

function checkSpec(spec: FaultSpec, catalogue: FaultCatalogue | undefined): void {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) throw new TypeError('fault: must be an object such as {"service":"lambda","operation":"Invoke"}');
  for (const key of Object.keys(spec)) if (!FIELDS.has(key)) throw new TypeError(`fault.${key}: unknown field; known: ${[...FIELDS].join(', ')}`);
  if (typeof spec.service !== 'string' || spec.service === '') throw new TypeError('fault.service: required, e.g. "lambda"');
  if (typeof spec.operation !== 'string' || spec.operation === '') throw new TypeError('fault.operation: required, e.g. "Invoke" or "*"');
  if (catalogue) {
    const services = catalogue.services();
    if (!services.includes(spec.service)) throw new RangeError(`fault.service: no service named "${spec.service}"; known: ${[...services].sort().join(', ')}`);
    const operations = catalogue.operations(spec.service);
    if (spec.operation !== '*' && operations && !operations.has(spec.operation)) {
      throw new RangeError(`fault.operation: ${spec.service} has no operation "${spec.operation}" (names as in the API, e.g. "${[...operations][0]}", or "*")`);
    }
  }
  const count = spec.count ?? 1;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`fault.count: must be an integer of at least 1, got ${JSON.stringify(spec.count)}`);
  const p = spec.probability ?? 1;
  if (typeof p !== 'number' || !(p > 0 && p <= 1)) throw new RangeError(`fault.probability: must be a number above 0 and at most 1, got ${JSON.stringify(spec.probability)}`);
  const latency = spec.latencyMs ?? 0;
  if (typeof latency !== 'number' || !Number.isFinite(latency) || latency < 0 || latency > 86_400_000) {
    throw new RangeError(`fault.latencyMs: must be a number of milliseconds from 0 to 86400000, got ${JSON.stringify(spec.latencyMs)}`);
  }
  if (spec.status !== undefined && (!Number.isInteger(spec.status) || spec.status < 400 || spec.status > 599)) {
    throw new RangeError(`fault.status: must be an HTTP error status from 400 to 599, got ${JSON.stringify(spec.status)}`);
  }
  if (spec.lostAnswer !== undefined && typeof spec.lostAnswer !== 'boolean') throw new TypeError(`fault.lostAnswer: must be true or false, got ${JSON.stringify(spec.lostAnswer)}`);
  for (const key of ['error', 'message', 'pathIncludes'] as const) {
    if (spec[key] !== undefined && (typeof spec[key] !== 'string' || spec[key] === '')) throw new TypeError(`fault.${key}: must be a non-empty string`);
  }
}

export class FaultInjector {
  readonly #armed: ArmedFault[] = [];

  constructor(
    readonly catalogue?: FaultCatalogue,
    readonly random: () => number = Math.random,
  ) {}

  add(spec: FaultSpec): void {
    checkSpec(spec, this.catalogue);
    this.#armed.push({ ...spec, remaining: spec.count ?? 1 });
  }

  /** Faults still armed, with how many calls each will still affect. */
  list(): Array<FaultSpec & { remaining: number }> {
    return this.#armed.map((f) => ({ ...f }));
  }

  clear(): void {
    this.#armed.length = 0;
  }

  /** Consumes one matching fault for this call, if any (a fault whose draw spares the call is passed over). */
  take(service: string, operation: string, probe: FaultProbe): FaultEffect | undefined {
    const index = this.#armed.findIndex(
      (f) =>
        f.service === service &&
        (f.operation === '*' || f.operation === operation) &&
        (f.pathIncludes === undefined || probe.path.includes(f.pathIncludes) || probe.body.includes(f.pathIncludes)) &&
        (f.probability === undefined || f.probability >= 1 || this.random() < f.probability),
    );
    if (index < 0) return undefined;
    const fault = this.#armed[index]!;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.#armed.splice(index, 1);
    const latencyMs = fault.latencyMs ?? 0;
    const lostAnswer = fault.lostAnswer === true;
    return { spec: fault, latencyMs, fails: lostAnswer || !(latencyMs > 0 && fault.error === undefined), lostAnswer };
  }
}
