/**
 * A `codeDeploy` field makes Finish answer a CodeDeploy lifecycle hook, so only the bridge may
 * send one. Sent straight to StartExecution — naming a CodeDeploy deployment that exists, for
 * this very function and versions, or one that does not — it is refused in Prepare with an
 * INVALID_REQUEST naming the field, and nothing is touched: the alias stays, no lock is left.
 */
import { CreateApplicationCommand, CreateDeploymentCommand, CreateDeploymentGroupCommand, GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { describe, expect, it } from 'vitest';
import { getLock } from '../../shared/aws/deployment-store.ts';
import { createApp } from './support/app.ts';
import { deploy } from './support/deploy.ts';
import { useEngine } from './support/engine.ts';
import { explain, weightsOf } from './support/expect.ts';

const ctx = useEngine({ speed: 100 });

async function codeDeployDeployment(functionName: string, hook: string): Promise<string> {
  const app = `${functionName}-cd`;
  await ctx.clients.codedeploy.send(new CreateApplicationCommand({ applicationName: app, computePlatform: 'Lambda' }));
  await ctx.clients.codedeploy.send(
    new CreateDeploymentGroupCommand({ applicationName: app, deploymentGroupName: 'live', serviceRoleArn: 'arn:aws:iam::000000000000:role/codedeploy', deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' } }),
  );
  const content = `version: 0.0\nResources:\n  - app:\n      Type: AWS::Lambda::Function\n      Properties: { Name: ${functionName}, Alias: live, CurrentVersion: "1", TargetVersion: "2" }\nHooks:\n  - BeforeAllowTraffic: ${hook}\n`;
  const out = await ctx.clients.codedeploy.send(new CreateDeploymentCommand({ applicationName: app, deploymentGroupName: 'live', revision: { revisionType: 'AppSpecContent', appSpecContent: { content } } }));
  return out.deploymentId!;
}

describe('a codeDeploy field sent straight to StartExecution', () => {
  it('naming a real CodeDeploy deployment of this function: refused, INVALID_REQUEST on codeDeploy, nothing touched, CodeDeploy not answered', async () => {
    const app = await createApp(ctx.lambda, 'forged-bridge');
    // CodeDeploy's own hook is a function that never reports: CodeDeploy waits on it.
    const hook = await createApp(ctx.lambda, 'forged-bridge-hook');
    const deploymentId = await codeDeployDeployment(app.functionName, hook.functionName);
    const outcome = await deploy(ctx, app, { strategy: 'AllAtOnce', codeDeploy: { deploymentId, lifecycleEventHookExecutionId: '00000000-0000-4000-8000-000000000000' } });

    expect(outcome.status, explain(outcome)).toBe('FAILED');
    expect(outcome.error).toBe('INVALID_REQUEST');
    expect(outcome.cause).toContain('codeDeploy: ');
    expect(outcome.cause).toContain('only the CodeDeploy bridge');
    expect(outcome.alias).toMatchObject({ version: '1', weights: {} });
    expect(weightsOf(outcome.record).filter((w) => w > 0)).toEqual([]);
    expect(await getLock(ctx.store, app.functionName, app.alias)).toBeUndefined();
    const info = (await ctx.clients.codedeploy.send(new GetDeploymentCommand({ deploymentId }))).deploymentInfo!;
    expect(info.status).toBe('InProgress');
  });

  it('naming a CodeDeploy deployment that does not exist: refused the same way', async () => {
    const app = await createApp(ctx.lambda, 'forged-bridge-none');
    const outcome = await deploy(ctx, app, { strategy: 'AllAtOnce', codeDeploy: { deploymentId: 'd-AAAAAAAAA', lifecycleEventHookExecutionId: 'x' } });
    expect(outcome.status, explain(outcome)).toBe('FAILED');
    expect(outcome.error).toBe('INVALID_REQUEST');
    expect(outcome.cause).toContain('codeDeploy: CodeDeploy deployment "d-AAAAAAAAA" could not be read');
    expect(outcome.alias).toMatchObject({ version: '1', weights: {} });
    expect(await getLock(ctx.store, app.functionName, app.alias)).toBeUndefined();
  });
});
