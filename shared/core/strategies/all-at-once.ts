/** AllAtOnce: the target takes all traffic in one shift. */
import type { PlanStep } from '../model/plan.ts';

export const ALL_AT_ONCE = 'AllAtOnce';

export function compileAllAtOnce(): PlanStep[] {
  return [{ setWeight: 100 }];
}
