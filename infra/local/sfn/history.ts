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
      return { ...base, type: `${state!.type}StateEntered`, stateEnteredEventDetails: { name: state!.name, input: json(state!.input) } };
    case 'StateExited':
      return { ...base, type: `${state!.type}StateExited`, stateExitedEventDetails: { name: state!.name, output: json(state!.output) } };
    case 'StateRetried':
    case 'StateCaught':
      return undefined;
    case 'StateFailed':
      return {
        ...base,
        type: state?.type === 'Task' ? 'TaskFailed' : `${state?.type ?? 'State'}Failed`,
        taskFailedEventDetails: { resourceType: 'lambda', resource: state?.name ?? '', error: event.Error, cause: cause(event.Cause) },
      };
    default:
      return { ...base, type: event.type };
  }
}
