/**
 * The operations a fault may name, per service: the commands of the service's AWS SDK client (its
 * API model), so a misspelt `DescribeAlarm` is refused instead of never matching.
 */
import * as cloudwatch from '@aws-sdk/client-cloudwatch';
import * as codedeploy from '@aws-sdk/client-codedeploy';
import * as dynamodb from '@aws-sdk/client-dynamodb';
import * as events from '@aws-sdk/client-eventbridge';
import * as lambda from '@aws-sdk/client-lambda';
import * as s3 from '@aws-sdk/client-s3';
import * as scheduler from '@aws-sdk/client-scheduler';
import * as sfn from '@aws-sdk/client-sfn';

const MODELS: Record<string, Record<string, unknown>> = { cloudwatch, codedeploy, dynamodb, events, lambda, s3, scheduler, sfn };

const cache = new Map<string, ReadonlySet<string>>();

/** The operations of a service's API model, or undefined when the engine knows no model for it. */
export function modelOperations(service: string): ReadonlySet<string> | undefined {
  const model = MODELS[service];
  if (!model) return undefined;
  let operations = cache.get(service);
  if (!operations) {
    operations = new Set(
      Object.keys(model)
        .filter((name) => name.endsWith('Command') && name !== 'Command' && typeof model[name] === 'function')
        .map((name) => name.slice(0, -'Command'.length)),
    );
    cache.set(service, operations);
  }
  return operations;
}

export const MODELLED_SERVICES: readonly string[] = Object.keys(MODELS);
