/**
 * The ports of the hook cores, wired to AWS: run-hook (table, Lambda) and the status endpoint
 * (table, Step Functions). The local engine's CodeDeploy route builds the status deps with its
 * loopback clients (`hookStatusDeps(clients, tableName)`), so both paths run the same code.
 */
import type { Clients } from './clients.ts';
import { getDeployment } from './deployment-store.ts';
import { DynamoHookStore } from './hook-store.ts';
import { lambdaHookInvoker } from './hook-invoker.ts';
import { sendTaskFailure, sendTaskSuccess } from './task-tokens.ts';
import type { RunHookDeps } from '../tasks/run-hook.ts';
import type { HookStatusDeps } from '../tasks/hook-status.ts';
import type { TaskCallbacks } from '../core/hooks/types.ts';

export function tableNameFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const name = env.TABLE_NAME;
  if (!name) throw new Error('TABLE_NAME: must name the Glidepath table');
  return name;
}

export function runHookDeps(clients: Pick<Clients, 'ddb' | 'lambda'>, tableName: string): RunHookDeps {
  return {
    store: new DynamoHookStore(clients.ddb, tableName),
    getDeployment: (id) => getDeployment({ ddb: clients.ddb, tableName }, id),
    invoke: lambdaHookInvoker(clients.lambda),
  };
}

export function sfnTaskCallbacks(sfn: Clients['sfn']): TaskCallbacks {
  return {
    succeed: (token, output) => sendTaskSuccess(sfn, token, output),
    fail: (token, error, cause) => sendTaskFailure(sfn, token, error, cause),
  };
}

export function hookStatusDeps(clients: Pick<Clients, 'ddb' | 'sfn'>, tableName: string): HookStatusDeps {
  return { store: new DynamoHookStore(clients.ddb, tableName), tasks: sfnTaskCallbacks(clients.sfn) };
}
