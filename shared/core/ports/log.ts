/**
 * Where a core says what happened (a push ignored, a deployment started, a best-effort call that
 * failed). Handlers pass their Powertools logger (functions/_lib); tests pass a recorder.
 */
export interface Log {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}
