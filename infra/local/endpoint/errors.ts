/**
 * One error type for every service of the loopback endpoint. The server renders it in the wire
 * form of the service that threw it: restJson1 (`x-amzn-errortype` header + JSON body) or awsJson
 * (`{"__type", "message"}`, plus `x-amzn-query-error` for query-compatible services).
 */
export interface ServiceErrorOptions {
  /** HTTP status (default 400). */
  status?: number;
  /** Query-protocol error code for query-compatible JSON services (CloudWatch), e.g. `InvalidParameterValue`. */
  queryCode?: string;
  /** `Sender` (client fault, default below 500) or `Receiver`. */
  fault?: 'Sender' | 'Receiver';
  /** Extra members of the error body (e.g. Lambda's `Type` and `Reason`). */
  body?: Record<string, unknown>;
  /** Extra response headers (e.g. `Retry-After`). */
  headers?: Record<string, string>;
  /** Name of the message member in the body (`message` by default; some models use `Message`). */
  messageKey?: 'message' | 'Message';
}

export class ServiceError extends Error {
  readonly status: number;
  readonly queryCode?: string;
  readonly fault: 'Sender' | 'Receiver';
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string>;
  readonly messageKey: 'message' | 'Message';

  constructor(
    /** The error shape name the SDK maps to an exception class, e.g. `ResourceNotFoundException`. */
    readonly code: string,
    message: string,
    options: ServiceErrorOptions = {},
  ) {
    super(message);
    this.name = code;
    this.status = options.status ?? 400;
    if (options.queryCode !== undefined) this.queryCode = options.queryCode;
    this.fault = options.fault ?? (this.status >= 500 ? 'Receiver' : 'Sender');
    this.body = options.body ?? {};
    this.headers = options.headers ?? {};
    this.messageKey = options.messageKey ?? 'message';
  }
}

/**
 * Turns anything a service threw into a ServiceError: ServiceErrors pass through; an error with a
 * string `code` (e.g. the SFN runtime's errors) becomes a 400 of that name; anything else is a 500.
 */
export function asServiceError(error: unknown, internalName = 'InternalFailure'): ServiceError {
  if (error instanceof ServiceError) return error;
  const e = error as { code?: unknown; message?: unknown; status?: unknown };
  if (e && typeof e.code === 'string' && /^[A-Za-z][A-Za-z0-9.]*$/.test(e.code)) {
    const status = typeof e.status === 'number' ? e.status : 400;
    return new ServiceError(e.code, String(e.message ?? e.code), { status });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ServiceError(internalName, `local engine internal error: ${message}`, { status: 500 });
}
