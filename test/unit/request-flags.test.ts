/** The one flags → request builder: `plan` and `deploy` read the same sources the same way. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../cli/context.ts';
import { buildDeployRequest, buildPlan } from '../../cli/request-flags.ts';
import { ValidationError } from '../../shared/core/errors.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const io: CliIO = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, cwd: FIXTURES };

describe('Function: buildPlan / buildDeployRequest', () => {
  it('an AppSpec: the same function, alias, versions, hooks and steps for plan and deploy', () => {
    const flags = { appspec: 'appspec/valid.yaml', strategy: 'Canary10Percent5Minutes' };
    const plan = buildPlan(flags, io);
    const { request, warnings } = buildDeployRequest(flags, io);
    expect(warnings).toEqual([]);
    expect(request).toMatchObject({ functionName: 'orders-api', alias: 'live', currentVersion: '7', targetVersion: '8' });
    expect(plan).toMatchObject({ functionName: request.functionName, alias: request.alias, currentVersion: '7', targetVersion: '8', strategy: 'Canary10Percent5Minutes' });
    expect(plan.hooks).toEqual(request.hooks);
  });

  it('flags override the file; an AppSpec with no strategy gets AllAtOnce and says so', () => {
    const flags = { appspec: 'appspec/valid.yaml', alias: 'blue', target: '9' };
    const { request, warnings } = buildDeployRequest(flags, io);
    expect(request).toMatchObject({ alias: 'blue', targetVersion: '9', strategy: 'AllAtOnce' });
    expect(warnings).toEqual(['the AppSpec names no deployment configuration and --strategy was not given: deploying AllAtOnce']);
    expect(buildPlan(flags, io).warnings?.[0]).toBe('the AppSpec names no deployment configuration and --strategy was not given: planned AllAtOnce');
  });

  it('a SAM template: the deployed name from --function-name, the strategy from the DeploymentPreference', () => {
    const flags = { template: 'sam/template.yaml', function: 'OrdersFunction', current: '3', target: '4' };
    const plan = buildPlan(flags, io);
    const { request } = buildDeployRequest({ ...flags, functionName: 'orders-prod' }, io);
    expect(request).toMatchObject({ functionName: 'orders-prod', alias: 'live', currentVersion: '3', targetVersion: '4' });
    expect(request.strategy).toBe('Canary10Percent5Minutes');
    expect(plan).toMatchObject({ functionName: 'orders-api', alias: 'live', strategy: 'Canary10Percent5Minutes', currentVersion: '3', targetVersion: '4' });
    expect(plan.alarms).toEqual(request.alarms);
  });

  it('a plan needs only a strategy; a deployment also its function, alias and target (the field named)', () => {
    expect(buildPlan({ strategy: 'AllAtOnce' }, io).steps).toEqual([{ setWeight: 100 }]);
    expect(() => buildDeployRequest({ strategy: 'AllAtOnce' }, io)).toThrow(new ValidationError('INVALID_REQUEST', '--function', 'is required: the function to deploy (name or ARN)'));
    expect(() => buildPlan({}, io)).toThrow('strategy: is required: give --strategy, --appspec, --template or --serverless');
    expect(() => buildDeployRequest({}, io)).toThrow('strategy: is required: give --strategy, --appspec, --template, --serverless or --request');
  });

  it('one source only', () => {
    expect(() => buildPlan({ appspec: 'a', template: 'b' }, io)).toThrow('--template: cannot be combined with --appspec: give one source');
    expect(() => buildDeployRequest({ template: 'b', request: 'c' }, io)).toThrow('--request: cannot be combined with --template: give one source');
  });
});
