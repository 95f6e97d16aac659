/**
 * hook-status: CodeDeploy's PutLifecycleEventHookExecutionStatus behind a Lambda Function URL.
 * A hook written for CodeDeploy reports here unchanged once AWS_ENDPOINT_URL_CODEDEPLOY names
 * this URL (shared/tasks/hook-status.ts).
 */
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { handleHookStatusRequest, type HookStatusPorts, type StatusOutcome } from '../../shared/tasks/hook-status.ts';
import { createTaskHandler, type HandlerOptions } from '../_lib/handler.ts';
import { hookExecutionStore, taskTokens } from '../_lib/ports.ts';

/** The raw body: Function URLs base64-encode bodies they do not take for text. */
function bodyOf(event: LambdaFunctionURLEvent): string | Buffer {
  const body = event.body ?? '';
  return event.isBase64Encoded ? Buffer.from(body, 'base64') : body;
}

export function createHandler(options: HandlerOptions<Omit<HookStatusPorts, 'clock' | 'onOutcome'>> = {}) {
  return createTaskHandler(
    {
      name: 'HookStatus',
      parse: (event) => event as LambdaFunctionURLEvent,
      ports: (build) => ({ store: hookExecutionStore(build), tasks: taskTokens(build) }),
      run: (event, ports, { logger, count }): Promise<LambdaFunctionURLResult> => {
        const onOutcome = (outcome: StatusOutcome) => {
          // `message` is a reserved key of the Powertools logger.
          const { result, message: reason, ...rest } = outcome;
          const fields = { ...rest, ...(reason === undefined ? {} : { reason }) };
          if (fields.deploymentId) logger.appendKeys({ deploymentId: fields.deploymentId });
          if (result === 'accepted') logger.info('hook status recorded', fields);
          else if (result === 'rejected') logger.warn('hook status refused', fields);
          else logger.error('hook status not recorded', fields);
          count(result === 'accepted' ? `HookReported${fields.status}` : 'HookReportRefused');
        };
        return handleHookStatusRequest(
          { method: event.requestContext?.http?.method ?? 'GET', headers: event.headers ?? {}, body: bodyOf(event) },
          { ...ports, onOutcome },
        );
      },
    },
    options,
  );
}

export const handler = createHandler();
