/**
 * Fault injection: make the next N calls of an operation fail, as the real service would when it
 * throttles or breaks. Tests use it through the JS API (`endpoint.faults.add`) or over HTTP
 * (`POST /__glidepath/faults`, `GET` to list, `DELETE` to clear).
 */
export interface FaultSpec {
  /** Service name as registered: `lambda`, `cloudwatch`, `sfn`, `codedeploy`, … */
  service: string;
  /** Operation name (`Invoke`, `UpdateAlias`, `DescribeAlarms`, …) or `*` for any. */
  operation: string;
  /** How many matching calls fail (default 1). */
  count?: number;
  /** Error name; default: the service's throttling error (Lambda `TooManyRequestsException`). */
  error?: string;
  /** HTTP status for a named error (default 400, or 500 for names ending in `ServiceException`/`InternalFailure`). */
  status?: number;
  message?: string;
  /** Only calls whose path or body contains this text (e.g. a function name). */
  pathIncludes?: string;
}

interface ArmedFault extends FaultSpec {
  remaining: number;
}

export interface FaultProbe {
  path: string;
  body: string;
}

function checkSpec(spec: FaultSpec): void {
  if (typeof spec?.service !== 'string' || spec.service === '') throw new TypeError('fault.service: required, e.g. "lambda"');
  if (typeof spec.operation !== 'string' || spec.operation === '') throw new TypeError('fault.operation: required, e.g. "Invoke" or "*"');
  const count = spec.count ?? 1;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`fault.count: must be an integer of at least 1, got ${spec.count}`);
}

export class FaultInjector {
  readonly #armed: ArmedFault[] = [];

  add(spec: FaultSpec): void {
    checkSpec(spec);
    this.#armed.push({ ...spec, remaining: spec.count ?? 1 });
  }

  /** Faults still armed, with how many calls each will still fail. */
  list(): Array<FaultSpec & { remaining: number }> {
    return this.#armed.map((f) => ({ ...f }));
  }

  clear(): void {
    this.#armed.length = 0;
  }

  /** Consumes one matching fault for this call, if any. */
  take(service: string, operation: string, probe: FaultProbe): FaultSpec | undefined {
    const index = this.#armed.findIndex(
      (f) =>
        f.service === service &&
        (f.operation === '*' || f.operation === operation) &&
        (f.pathIncludes === undefined || probe.path.includes(f.pathIncludes) || probe.body.includes(f.pathIncludes)),
    );
    if (index < 0) return undefined;
    const fault = this.#armed[index]!;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.#armed.splice(index, 1);
    return fault;
  }
}
