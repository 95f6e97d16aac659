import { it } from 'vitest';
import { GetAliasCommand } from '@aws-sdk/client-lambda';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { getDeployment } from '../../shared/aws/deployment-store.ts';
import { createApp } from './support/app.ts';
import { deploy } from './support/deploy.ts';
import { useEngine } from './support/engine.ts';

const ctx = useEngine({ speed: 10000 });
it('probe', async () => {
  const app = await createApp(ctx.lambda, 'probe');
  const outcome = await deploy(ctx, app, { strategy: 'AllAtOnce' });
  for (const [name, f] of [
    ['ddb get', () => getDeployment(ctx.store, outcome.deploymentId)],
    ['getAlias', () => ctx.lambda.send(new GetAliasCommand({ FunctionName: app.functionName, Name: 'live' }))],
    ['describeAlarms', () => ctx.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['x'] }))],
  ] as const) {
    for (let i = 0; i < 20; i++) await f();
    const t = performance.now();
    for (let i = 0; i < 100; i++) await f();
    console.log(name, ((performance.now() - t) / 100).toFixed(2), 'ms');
  }
});
