/**
 * The ways in, on the local engine: S3 (deployment packages, and where pushes land),
 * EventBridge PutEvents routed by template.yaml's rules to the trigger, EventBridge Scheduler on
 * the engine's clock, and a CodeDeploy that runs the bridge as its PreTraffic hook. All are
 * services of the engine's one endpoint.
 *
 * Two steps, because the endpoint's Lambda reads S3 packages from here: `new LocalWaysIn(…)`
 * before the endpoint starts (pass `s3.resolveCode` as its `resolveS3Code`), `attach(…)` once the
 * endpoint, the invoker and the state machine exist.
 *
 * Rule parameters: `parameters` given to the engine win; TriggerBucketNames and
 * TriggerEcrRepositories otherwise follow the deployment groups in the table (the buckets and
 * repositories of their sources), as an operator would set them on AWS; the rest take their Default.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EngineClock } from '../clock.ts';
import { ServiceError } from '../endpoint/errors.ts';
import type { Service } from '../endpoint/services.ts';
import type { Invoker } from '../sfn/bindings.ts';
import type { StackModel } from '../stack.ts';
import { DynamoHookStore } from '../../../shared/aws/hook-store.ts';
import { sfnTaskTokens } from '../../../shared/aws/task-tokens.ts';
import { listGroups } from '../../../shared/aws/group-store.ts';
import { handleHookStatusRequest } from '../../../shared/tasks/hook-status.ts';
import { LocalCodeDeploy } from './codedeploy.ts';
import { LocalEventBridge } from './eventbridge.ts';
import { loadTemplate, templateRules, type ParsedTemplate, type Rule } from './rules.ts';
import { LocalS3, S3_PATH_PREFIX } from './s3.ts';
import { LocalScheduler } from './scheduler.ts';
import { ScheduledRuleRunner, scheduledRules } from './scheduled-rules.ts';
import { LOCAL_STACK_NAME } from './list-rules.ts';

export interface WaysInOptions {
  clock: EngineClock;
  region: string;
  accountId: string;
}

export interface AttachOptions {
  url: string;
  registerService(service: Service): unknown;
  invoke: Invoker;
  stack: StackModel;
  tableName: string;
  stateMachineArn: string;
  /** Template parameters (CommaDelimitedList values comma-separated). */
  parameters?: Record<string, string>;
  /** The engine's client environment: gains the ARNs `glidepath promote --at` needs. */
  env: Record<string, string>;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Where the engine's own notes go (unmatched events, failed deliveries). */
  log?: (message: string, extra: Record<string, unknown>) => void;
  templatePath?: string;
}

export const LOCAL_SCHEDULER_ROLE = 'glidepath-scheduler';

const unique = (values: string[]) => [...new Set(values)];

export class LocalWaysIn {
  readonly s3: LocalS3;
  events!: LocalEventBridge;
  scheduler!: LocalScheduler;
  /** The template's scheduled rules (the watcher's `rate(1 minute)`), on the engine clock. */
  scheduledRules?: ScheduledRuleRunner;
  codeDeploy!: LocalCodeDeploy;
  template!: ParsedTemplate;
  readonly #clients: { destroy(): void }[] = [];

  constructor(readonly options: WaysInOptions) {
    this.s3 = new LocalS3(options.clock, options.region);
  }

  /** The local ARN of a stack function (as the state machine's substitutions name it). */
  functionArn(stack: StackModel, logicalId: string): string | undefined {
    const fn = stack.functions.get(logicalId);
    return fn ? `arn:aws:lambda:${this.options.region}:${this.options.accountId}:function:${fn.localName}` : undefined;
  }

  attach(a: AttachOptions): this {
    const { clock, region, accountId } = this.options;
    const config = { endpoint: a.url, region, credentials: a.credentials };
    const ddb = DynamoDBDocumentClient.from(new DynamoDBClient(config), { marshallOptions: { removeUndefinedValues: true } });
    const lambda = new LambdaClient(config);
    const sfn = new SFNClient(config);
    this.#clients.push(ddb, lambda, sfn);
    const store = { ddb, tableName: a.tableName };
    this.template = loadTemplate(a.templatePath);

    const rules = async (): Promise<Rule[]> => {
      const parameters: Record<string, string | string[]> = { ...a.parameters };
      if (parameters.TriggerBucketNames === undefined || parameters.TriggerEcrRepositories === undefined) {
        const groups = await listGroups(store);
        parameters.TriggerBucketNames ??= unique(groups.flatMap((g) => (g.sources?.s3 ?? []).map((s) => s.bucket)));
        parameters.TriggerEcrRepositories ??= unique(groups.flatMap((g) => (g.sources?.ecr ?? []).map((s) => s.repository)));
      }
      return templateRules(this.template, {
        region,
        accountId,
        stackName: LOCAL_STACK_NAME,
        parameters,
        functionArn: (id) => this.functionArn(a.stack, id),
        // Ref of the state machine is its ARN (the reconcile rule matches executions of this one).
        resourceRef: (id) => (this.template.Resources[id]?.Type === 'AWS::Serverless::StateMachine' ? a.stateMachineArn : undefined),
      });
    };

    this.events = new LocalEventBridge({ clock, region, accountId, rules, invoke: a.invoke, ...(a.log ? { log: a.log } : {}) });
    this.scheduler = new LocalScheduler({ clock, region, accountId, invoke: a.invoke });
    this.scheduledRules = new ScheduledRuleRunner({ clock, region, accountId, invoke: a.invoke, functionArn: (id) => this.functionArn(a.stack, id), ...(a.log ? { log: (message: string) => a.log!(message, {}) } : {}) });
    this.scheduledRules.start(scheduledRules(this.template));
    const statusPorts = { store: new DynamoHookStore(ddb, a.tableName), tasks: sfnTaskTokens(sfn), clock };
    this.codeDeploy = new LocalCodeDeploy({
      clock,
      invoke: a.invoke,
      setAlias: async (functionName, alias, version) => {
        await lambda.send(new UpdateAliasCommand({ FunctionName: functionName, Name: alias, FunctionVersion: version, RoutingConfig: { AdditionalVersionWeights: {} } }));
      },
      // Reports about Glidepath's own hook executions: the hook status endpoint's core.
      fallback: async (_input, ctx) => {
        const response = await handleHookStatusRequest({ method: ctx.method, headers: ctx.headers, body: ctx.body }, statusPorts);
        const body = JSON.parse(response.body || '{}') as Record<string, unknown>;
        if (response.statusCode === 200) return body;
        throw new ServiceError(String(body.__type ?? 'InternalFailure'), String(body.message ?? 'hook status not recorded'), { status: response.statusCode, ...(response.headers?.allow ? { headers: { allow: response.headers.allow } } : {}) });
      },
    });

    for (const service of [this.codeDeploy.service(), this.events.service(), this.scheduler.service(), this.s3.service()]) a.registerService(service);

    const controlArn = this.functionArn(a.stack, 'ControlFunction');
    const extra: Record<string, string> = {
      AWS_ENDPOINT_URL_S3: `${a.url}${S3_PATH_PREFIX}`,
      ...(controlArn ? { GLIDEPATH_CONTROL_FUNCTION_ARN: controlArn } : {}),
      GLIDEPATH_SCHEDULER_ROLE_ARN: `arn:aws:iam::${accountId}:role/${LOCAL_SCHEDULER_ROLE}`,
    };
    Object.assign(a.env, extra);
    return this;
  }

  /** Waits for event deliveries and for the schedules that are due to have fired. */
  async drain(): Promise<void> {
    await Promise.all([this.events.drain(), this.scheduler.drain()]);
  }

  /** Drops pending schedules (their waits end at their next wake) and the engine-side clients. */
  close(): void {
    this.scheduledRules?.stop();
    this.events?.close();
    this.scheduler?.schedules.clear();
    for (const client of this.#clients.splice(0)) client.destroy();
  }
}
