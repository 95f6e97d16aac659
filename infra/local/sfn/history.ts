/**
 * Maps aws-local-stepfunctions' event log onto Step Functions' execution history events
 * (GetExecutionHistory), so tools that read history work against the local engine.
 */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

interface EngineEvent {
  type: string;
  timestamp: number;
  input?: unknown;
  output?: unknown;
  Error?: string;
  Cause?: unknown;
  state?: { name: string; type: string; input: unknown; output?: unknown };
}

const json = (value: unknown) => JSON.stringify(value ?? null);
const cause = (value: unknown) => (typeof value === 'string' ? value : json(value));

/**
 * A state event's details whose `key` holds `value` as JSON text, written when first read: most
 * histories are never read, and writing every state's input and output as it ran was a
 * noticeable part of a step. The text is the same as if written at once: aws-local-stepfunctions
 * does not change a state's input or output once it has logged them (each state works on a copy),
 * and the engine's Tasks get their input through a JSON round trip (infra/local/invoker.ts).
 */
function stateDetails(name: string, key: 'input' | 'output', value: unknown): Record<string, unknown> {
  let text: string | undefined;
  return Object.defineProperty({ name } as Record<string, unknown>, key, {
    enumerable: true,
    get: () => (text ??= json(value)),
  });
}

/**
 * Step Functions names its state events `<Type>StateEntered` / `<Type>StateExited`. A failed
 * attempt is one `TaskFailed`; the retry or catch that follows has no event of its own on AWS
 * (the next attempt or state shows it), so the engine's StateRetried/StateCaught map to none.
 */
export function toHistoryEvent(raw: unknown, previous: HistoryEvent[], at: number): HistoryEvent | undefined {
  const event = raw as EngineEvent;
  const base = { id: previous.length + 1, previousEventId: previous.length, timestamp: at };
  const state = event.state;
  switch (event.type) {
    case 'ExecutionStarted':
      return { ...base, type: 'ExecutionStarted', executionStartedEventDetails: { input: json(event.input) } };
    case 'ExecutionSucceeded':
      return { ...base, type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: json(event.output) } };
    case 'ExecutionFailed':
      return { ...base, type: 'ExecutionFailed', executionFailedEventDetails: { error: event.Error, cause: cause(event.Cause) } };
    case 'ExecutionAborted':
      return { ...base, type: 'ExecutionAborted', executionAbortedEventDetails: {} };
    case 'ExecutionTimeout':
      return { ...base, type: 'ExecutionTimedOut', executionTimedOutEventDetails: {} };
    case 'StateEntered':
      return { ...base, type: `${state!.type}StateEntered`, stateEnteredEventDetails: stateDetails(state!.name, 'input', state!.input) };
    case 'StateExited':
      return { ...base, type: `${state!.type}StateExited`, stateExitedEventDetails: stateDetails(state!.name, 'output', state!.output) };
    case 'StateRetried':
    case 'StateCaught':
      return undefined;
    case 'StateFailed':
      if (state?.type === 'Task' && event.Error === 'States.Timeout') {
        return { ...base, type: 'TaskTimedOut', taskTimedOutEventDetails: { resourceType: 'lambda', resource: state.name, error: event.Error, cause: cause(event.Cause) } };
      }
      return {
        ...base,
        type: state?.type === 'Task' ? 'TaskFailed' : `${state?.type ?? 'State'}Failed`,
        taskFailedEventDetails: { resourceType: 'lambda', resource: state?.name ?? '', error: event.Error, cause: cause(event.Cause) },
      };
    default:
      return { ...base, type: event.type };
  }
}
