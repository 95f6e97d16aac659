/**
 * A plan: the ordered steps a strategy compiles to. Pure data, computed before
 * anything changes. Steps are one-key objects; weights are integer percent; durations are seconds.
 */

export type PlanStep =
  | { setWeight: number }
  | { bake: number }
  /** `{}` waits until resumed; `duration` in seconds; `until` (ISO time) and `untilWindow` are kept as given. */
  | { pause: { duration?: number; until?: string; untilWindow?: boolean } }
  | { approval: Record<string, never> }
  | { hook: string }
  /** Hold until the analysis has passed for `duration` seconds, at most `timeout` seconds. */
  | { analysis: { duration: number; timeout: number } };

export type StepKind = 'setWeight' | 'bake' | 'pause' | 'approval' | 'hook' | 'analysis';

export interface PlanHooks {
  beforeAllowTraffic?: string;
  afterAllowTraffic?: string;
  perStep?: string;
}

export interface Plan {
  functionName: string;
  alias: string;
  currentVersion?: string;
  targetVersion?: string;
  /** The strategy's name: a CodeDeploy short name, `TimeBasedCanary…`/`TimeBasedLinear…`, or `Custom`. */
  strategy: string;
  steps: PlanStep[];
  hooks?: PlanHooks;
  alarms?: string[];
  /** Sum of every bake and timed pause, in seconds. */
  totalBakeSeconds: number;
  /** Things the plan allows but the user should know (for example beyond CodeDeploy's limits). */
  warnings?: string[];
}

export function stepKind(step: PlanStep): StepKind {
  return Object.keys(step)[0] as StepKind;
}

/** A plan computed for `glidepath plan` from a planning request: function and alias may be absent. */
export type PlanPreview = Omit<Plan, 'functionName' | 'alias'> & { functionName?: string; alias?: string };
