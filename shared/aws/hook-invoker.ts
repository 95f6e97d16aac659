/** Invokes a hook function synchronously (RequestResponse) and says what came of it. */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { fromInvokeError, fromInvokeResponse } from '../core/hooks/invoke-result.ts';
import type { HookInvoker } from '../core/hooks/types.ts';

export function lambdaHookInvoker(lambda: LambdaClient): HookInvoker {
  return async (functionName, payload) => {
    let response;
    try {
      response = await lambda.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'RequestResponse',
          Payload: new TextEncoder().encode(JSON.stringify(payload)),
        }),
      );
    } catch (error) {
      return fromInvokeError(error);
    }
    return fromInvokeResponse(response);
  };
}
