/**
 * The AWS side of the hook templates: invoking a version, CloudWatch GetMetricData, provisioned
 * concurrency status, and reporting with CodeDeploy's PutLifecycleEventHookExecutionStatus.
 */
import { GetMetricDataCommand, type CloudWatchClient, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient, PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import { GetProvisionedConcurrencyConfigCommand, InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { GetMetricData, InvokeVersion, ProvisionedStatus, ReportHookStatus } from '../core/ports/hook-template.ts';

/** Invokes one version synchronously (Qualifier = the version, never the alias). */
export function lambdaVersionInvoker(lambda: LambdaClient): InvokeVersion {
  return async (functionName, qualifier, event) => {
    const response = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        Qualifier: qualifier,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(event ?? {})),
      }),
    );
    return {
      ...(response.FunctionError ? { functionError: response.FunctionError } : {}),
      payload: response.Payload ? new TextDecoder().decode(response.Payload) : '',
      ...(response.ExecutedVersion ? { executedVersion: response.ExecutedVersion } : {}),
    };
  };
}

export function cloudWatchMetricData(cloudwatch: CloudWatchClient): GetMetricData {
  return async ({ start, end, queries }) => {
    const MetricDataQueries: MetricDataQuery[] = queries.map((q) => ({
      Id: q.id,
      ReturnData: true,
      MetricStat: {
        Metric: { Namespace: 'AWS/Lambda', MetricName: q.metricName, Dimensions: q.dimensions },
        Period: q.periodSeconds,
        Stat: q.stat,
      },
    }));
    const values: Record<string, number[]> = {};
    let NextToken: string | undefined;
    do {
      const page = await cloudwatch.send(
        new GetMetricDataCommand({ StartTime: start, EndTime: end, MetricDataQueries, ScanBy: 'TimestampDescending', NextToken }),
      );
      for (const result of page.MetricDataResults ?? []) {
        if (result.Id) (values[result.Id] ??= []).push(...(result.Values ?? []).filter((v) => Number.isFinite(v)));
      }
      NextToken = page.NextToken;
    } while (NextToken);
    return values;
  };
}

export function provisionedConcurrencyStatus(lambda: LambdaClient): (functionName: string, qualifier: string) => Promise<ProvisionedStatus> {
  return async (functionName, qualifier) => {
    try {
      const r = await lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: functionName, Qualifier: qualifier }));
      return {
        ...(r.Status ? { status: r.Status } : {}),
        ...(r.StatusReason ? { reason: r.StatusReason } : {}),
        ...(r.RequestedProvisionedConcurrentExecutions === undefined ? {} : { requested: r.RequestedProvisionedConcurrentExecutions }),
        ...(r.AvailableProvisionedConcurrentExecutions === undefined ? {} : { available: r.AvailableProvisionedConcurrentExecutions }),
      };
    } catch (error) {
      if ((error as { name?: string })?.name === 'ProvisionedConcurrencyConfigNotFoundException') return {};
      throw error;
    }
  };
}

/**
 * Reports with CodeDeploy's own call. Under Glidepath the report goes to
 * `GLIDEPATH_HOOK_STATUS_ENDPOINT` when set (so one hook can serve Glidepath and CodeDeploy at
 * once); otherwise the SDK's default endpoint, which honours `AWS_ENDPOINT_URL_CODEDEPLOY`.
 */
export function codeDeployReporter(env: Record<string, string | undefined> = process.env): ReportHookStatus {
  let standard: CodeDeployClient | undefined;
  let glidepath: CodeDeployClient | undefined;
  return async (report, underGlidepath) => {
    const endpoint = env.GLIDEPATH_HOOK_STATUS_ENDPOINT;
    const client =
      underGlidepath && endpoint ? (glidepath ??= new CodeDeployClient({ endpoint })) : (standard ??= new CodeDeployClient({}));
    await client.send(new PutLifecycleEventHookExecutionStatusCommand(report));
  };
}
