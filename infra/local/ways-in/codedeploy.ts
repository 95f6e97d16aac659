/**
 * CodeDeploy for the local engine (awsJson1_1, `CodeDeploy_20141006`), enough to rehearse the
 * bridge: CreateApplication, CreateDeploymentGroup (alarms), CreateDeployment of a Lambda AppSpec,
 * GetDeployment, GetDeploymentGroup, GetApplicationRevision and PutLifecycleEventHookExecutionStatus.
 * A deployment runs as CodeDeploy runs an AllAtOnce Lambda deployment: the BeforeAllowTraffic hook
 * is invoked with `{DeploymentId, LifecycleEventHookExecutionId}` and must report within an hour
 * (on the engine's clock); then the alias goes to the target version, the AfterAllowTraffic hook
 * runs, and the deployment Succeeds. A Failed report (or no report) fails it and puts the alias
 * back on the current version.
 *
 * PutLifecycleEventHookExecutionStatus for any other deployment id is Glidepath's own hook status
 * endpoint (`fallback`), which shares CodeDeploy's wire protocol.
 */
import { randomUUID } from 'node:crypto';
import type { EngineClock } from '../clock.ts';
import { ServiceError } from '../endpoint/errors.ts';
import { jsonService, type JsonService, type RequestContext } from '../endpoint/services.ts';
import { readAppSpec, type AppSpecRequest } from '../../../shared/core/readers/appspec.ts';

type Body = Record<string, unknown>;
export type LifecycleEvent = 'BeforeAllowTraffic' | 'AfterAllowTraffic';

export interface HookExecution {
  id: string;
  event: LifecycleEvent;
  hook: string;
  status: 'Pending' | 'InProgress' | 'Succeeded' | 'Failed';
  report?: (status: 'Succeeded' | 'Failed') => void;
}

export interface FakeDeployment {
  deploymentId: string;
  applicationName: string;
  deploymentGroupName: string;
  revision: Body;
  appSpec: AppSpecRequest;
  status: 'Created' | 'InProgress' | 'Succeeded' | 'Failed' | 'Stopped';
  createTime: number;
  completeTime?: number;
  errorInformation?: { code: string; message: string };
  hooks: HookExecution[];
  done: Promise<void>;
}

export interface LocalCodeDeployOptions {
  clock: EngineClock;
  invoke(functionName: string, payload: unknown): Promise<unknown>;
  /** Points the alias at one version with no weights (AllowTraffic, and rollback). */
  setAlias(functionName: string, alias: string, version: string): Promise<void>;
  /** Glidepath's hook status endpoint, for reports that are not about a deployment of this fake. */
  fallback?(input: Body, ctx: RequestContext): Promise<unknown>;
  hookTimeoutSeconds?: number;
}

const err = (code: string, message: string) => new ServiceError(code, message);

export class LocalCodeDeploy {
  readonly applications = new Map<string, { name: string; createTime: number }>();
  readonly groups = new Map<string, Body>();
  readonly deployments = new Map<string, FakeDeployment>();

  constructor(readonly options: LocalCodeDeployOptions) {}

  createApplication(name: string): void {
    if (this.applications.has(name)) throw err('ApplicationAlreadyExistsException', `${name} already exists in your account`);
    this.applications.set(name, { name, createTime: this.options.clock.now() });
  }

  createDeploymentGroup(body: Body): void {
    const app = this.#application(body.applicationName);
    const name = body.deploymentGroupName;
    if (typeof name !== 'string' || name === '') throw err('DeploymentGroupNameRequiredException', 'Deployment group name is missing');
    if (typeof body.serviceRoleArn !== 'string') throw err('RoleRequiredException', 'Role ARN is required');
    const key = `${app}/${name}`;
    if (this.groups.has(key)) throw err('DeploymentGroupAlreadyExistsException', `Deployment group ${name} already exists`);
    this.groups.set(key, { ...body, deploymentGroupId: randomUUID(), computePlatform: 'Lambda' });
  }

  /** CreateDeployment: an AppSpec for Lambda (revisionType AppSpecContent or String). */
  createDeployment(body: Body): FakeDeployment {
    const app = this.#application(body.applicationName);
    const groupName = String(body.deploymentGroupName ?? '');
    if (!this.groups.has(`${app}/${groupName}`)) throw err('DeploymentGroupDoesNotExistException', `No Deployment Group found for name: ${groupName}`);
    const revision = body.revision as Body | undefined;
    if (!revision) throw err('RevisionRequiredException', 'Revision is missing');
    const content = ((revision.appSpecContent ?? revision.string) as Body | undefined)?.content;
    if (typeof content !== 'string') throw err('InvalidRevisionException', 'A Lambda deployment takes an AppSpecContent or String revision');
    let appSpec: AppSpecRequest;
    try {
      appSpec = readAppSpec(content);
    } catch (error) {
      throw err('InvalidRevisionException', (error as Error).message);
    }
    const deploymentId = `d-${randomUUID().replace(/-/g, '').slice(0, 9).toUpperCase()}`;
    const deployment: FakeDeployment = {
      deploymentId,
      applicationName: app,
      deploymentGroupName: groupName,
      revision,
      appSpec,
      status: 'Created',
      createTime: this.options.clock.now(),
      hooks: [],
      done: Promise.resolve(),
    };
    this.deployments.set(deploymentId, deployment);
    deployment.done = this.#run(deployment);
    return deployment;
  }

  get(deploymentId: unknown): FakeDeployment {
    if (typeof deploymentId !== 'string' || deploymentId === '') throw err('DeploymentIdRequiredException', 'Deployment ID is missing');
    if (!/^d-[A-Z0-9]{9}$/.test(deploymentId)) throw err('InvalidDeploymentIdException', `Specified DeploymentId is not in the valid format: ${deploymentId}`);
    const found = this.deployments.get(deploymentId);
    if (!found) throw err('DeploymentDoesNotExistException', `The deployment ${deploymentId} could not be found.`);
    return found;
  }

  #application(name: unknown): string {
    if (typeof name !== 'string' || name === '') throw err('ApplicationNameRequiredException', 'Application name is missing');
    if (!this.applications.has(name)) throw err('ApplicationDoesNotExistException', `No application found for name: ${name}`);
    return name;
  }

  async #hook(d: FakeDeployment, event: LifecycleEvent, hook: string): Promise<'Succeeded' | 'Failed'> {
    const execution: HookExecution = { id: randomUUID(), event, hook, status: 'Pending' };
    const reported = new Promise<'Succeeded' | 'Failed'>((resolve) => {
      execution.report = resolve;
    });
    d.hooks.push(execution);
    execution.status = 'InProgress';
    // CodeDeploy invokes hooks asynchronously: an invocation error is only seen as a missing report.
    this.options.invoke(hook, { DeploymentId: d.deploymentId, LifecycleEventHookExecutionId: execution.id }).catch(() => undefined);
    // Wait for the report up to the hook timeout, a simulated minute at a time (no long timers).
    const deadline = this.options.clock.now() + (this.options.hookTimeoutSeconds ?? 3600) * 1000;
    for (;;) {
      const remaining = deadline - this.options.clock.now();
      if (remaining <= 0) {
        execution.status = 'Failed';
        return 'Failed';
      }
      const outcome = await Promise.race([reported, this.options.clock.sleep(Math.min(remaining / 1000, 60, Math.max(1, this.options.clock.speed))).then(() => undefined)]);
      if (outcome) return outcome;
    }
  }

  async #run(d: FakeDeployment): Promise<void> {
    await Promise.resolve();
    d.status = 'InProgress';
    const { functionName, alias, currentVersion, targetVersion, hooks } = d.appSpec;
    const fail = async (code: string, message: string) => {
      d.status = 'Failed';
      d.errorInformation = { code, message };
      await this.options.setAlias(functionName, alias, currentVersion).catch(() => undefined);
      d.completeTime = this.options.clock.now();
    };
    try {
      if (hooks?.beforeAllowTraffic && (await this.#hook(d, 'BeforeAllowTraffic', hooks.beforeAllowTraffic)) === 'Failed') {
        return await fail('HOOK_EXECUTION_FAILURE', 'The deployment failed because one or more of your lifecycle events failed (BeforeAllowTraffic).');
      }
      await this.options.setAlias(functionName, alias, targetVersion);
      if (hooks?.afterAllowTraffic && (await this.#hook(d, 'AfterAllowTraffic', hooks.afterAllowTraffic)) === 'Failed') {
        return await fail('HOOK_EXECUTION_FAILURE', 'The deployment failed because one or more of your lifecycle events failed (AfterAllowTraffic).');
      }
      d.status = 'Succeeded';
      d.completeTime = this.options.clock.now();
    } catch (error) {
      await fail('INTERNAL_ERROR', error instanceof Error ? error.message : String(error));
    }
  }

  #report(body: Body): Body {
    const d = this.get(body.deploymentId);
    const execution = d.hooks.find((h) => h.id === body.lifecycleEventHookExecutionId);
    if (!execution) throw err('InvalidLifecycleEventHookExecutionIdException', `LifecycleEventHookExecutionId ${String(body.lifecycleEventHookExecutionId)} does not belong to deployment ${d.deploymentId}`);
    if (body.status !== 'Succeeded' && body.status !== 'Failed') {
      throw err('InvalidLifecycleEventHookExecutionStatusException', `Status ${String(body.status)} is not valid: only Succeeded or Failed may be reported`);
    }
    if (execution.status !== 'InProgress' && execution.status !== 'Pending') {
      throw err('LifecycleEventAlreadyCompletedException', `The lifecycle event ${execution.event} of deployment ${d.deploymentId} has already completed`);
    }
    execution.status = body.status;
    execution.report?.(body.status);
    return { lifecycleEventHookExecutionId: execution.id };
  }

  #info(d: FakeDeployment): Body {
    return {
      applicationName: d.applicationName,
      deploymentGroupName: d.deploymentGroupName,
      deploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce',
      deploymentId: d.deploymentId,
      revision: d.revision,
      status: d.status,
      createTime: d.createTime / 1000,
      ...(d.completeTime === undefined ? {} : { completeTime: d.completeTime / 1000 }),
      ...(d.errorInformation ? { errorInformation: d.errorInformation } : {}),
      computePlatform: 'Lambda',
      creator: 'user',
    };
  }

  service(): JsonService {
    return jsonService({
      name: 'codedeploy',
      targetPrefix: 'CodeDeploy_20141006',
      jsonVersion: '1.1',
      handle: async (operation, input, ctx) => {
        switch (operation) {
          case 'CreateApplication':
            this.createApplication(String(input.applicationName ?? ''));
            return { applicationId: randomUUID() };
          case 'CreateDeploymentGroup':
            this.createDeploymentGroup(input);
            return { deploymentGroupId: this.groups.get(`${String(input.applicationName)}/${String(input.deploymentGroupName)}`)!.deploymentGroupId };
          case 'CreateDeployment':
            return { deploymentId: this.createDeployment(input).deploymentId };
          case 'GetDeployment':
            return { deploymentInfo: this.#info(this.get(input.deploymentId)) };
          case 'GetDeploymentGroup': {
            const app = this.#application(input.applicationName);
            const group = this.groups.get(`${app}/${String(input.deploymentGroupName)}`);
            if (!group) throw err('DeploymentGroupDoesNotExistException', `No Deployment Group found for name: ${String(input.deploymentGroupName)}`);
            return { deploymentGroupInfo: group };
          }
          case 'GetApplicationRevision': {
            const app = this.#application(input.applicationName);
            const revision = input.revision as Body | undefined;
            const match = [...this.deployments.values()].find((d) => d.applicationName === app && JSON.stringify(d.revision) === JSON.stringify(revision));
            if (!match) throw err('RevisionDoesNotExistException', 'No application revision found for the given revision');
            return { applicationName: app, revision: match.revision, revisionInfo: { registerTime: match.createTime / 1000 } };
          }
          case 'PutLifecycleEventHookExecutionStatus':
            if (typeof input.deploymentId === 'string' && this.deployments.has(input.deploymentId)) return this.#report(input);
            if (this.options.fallback) return this.options.fallback(input, ctx);
            return this.#report(input);
          default:
            throw new ServiceError('UnknownOperationException', `The local engine's CodeDeploy does not serve ${operation}`);
        }
      },
    });
  }
}
