/**
 * Operator actions from the CLI invoke the control function (functions/control/index.ts) with
 * the input its handler takes, `{deploymentId, action}`, and answer with its ControlResult. The
 * function validates the action for the deployment's state, writes it to the record and releases
 * a waiting step: the operator needs only the right to invoke it (docs/deploy-with-sam.md).
 * On the local engine the same call reaches the same handler through the engine's Lambda API.
 */
import { invokeFunction } from '../shared/aws/function-invoker.ts';
import type { ControlRequest } from '../shared/core/model/machine.ts';
import type { ControlAction } from '../shared/core/model/record.ts';
import type { ControlResult } from '../shared/tasks/control.ts';
import { explainUnreachable } from './exit-codes.ts';
import type { Target } from './target.ts';

export async function sendControl(target: Target, deploymentId: string, action: ControlAction): Promise<ControlResult> {
  const functionName = await target.controlFunction();
  const input: ControlRequest = { deploymentId, action };
  try {
    return (await invokeFunction(target.clients.lambda, functionName, input)) as ControlResult;
  } catch (error) {
    throw explainUnreachable(error, target.description);
  }
}
