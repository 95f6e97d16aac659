/**
 * The CodeDeploy bridge's request (shared/core/bridge-request.ts): AppSpec + tag/default strategy +
 * the deployment group's alarms; plans that may outlast CodeDeploy's one-hour hook are refused.
 */
import { describe, expect, it } from 'vitest';
import { bridgeRequest, BRIDGE_MAX_PLAN_SECONDS } from '../../../shared/core/bridge-request.ts';
import { functionArn } from '../../../shared/tasks/codedeploy-bridge.ts';

const appSpec = `version: 0.0
Resources:
  - orders:
      Type: AWS::Lambda::Function
      Properties:
        Name: orders-api
        Alias: live
        CurrentVersion: "3"
        TargetVersion: "4"
Hooks:
  - BeforeAllowTraffic: CodeDeployHook_glidepath-bridge
  - AfterAllowTraffic: orders-post-traffic
`;
const base = { appSpec, deploymentId: 'd-ABC123', lifecycleEventHookExecutionId: 'hook-1', defaultStrategy: 'Canary10Percent5Minutes' };

describe('bridgeRequest', () => {
  it('takes function, alias and versions from the AppSpec, leaves its hooks to CodeDeploy, and answers through codeDeploy', () => {
    const { request, plan } = bridgeRequest({ ...base, alarms: { names: ['orders-5xx'], ignorePollAlarmFailure: false } });
    expect(request).toEqual({
      functionName: 'orders-api',
      alias: 'live',
      currentVersion: '3',
      targetVersion: '4',
      strategy: 'Canary10Percent5Minutes',
      alarms: ['orders-5xx'],
      alarmPolicy: { ignorePollAlarmFailure: false },
      codeDeploy: { deploymentId: 'd-ABC123', lifecycleEventHookExecutionId: 'hook-1' },
      description: 'CodeDeploy deployment d-ABC123 (bridge)',
    });
    expect(plan.steps).toEqual([{ setWeight: 10 }, { bake: 300 }, { setWeight: 100 }]);
  });

  it('prefers the glidepath:strategy tag, a name or JSON', () => {
    expect(bridgeRequest({ ...base, strategyTag: 'Linear10PercentEvery3Minutes' }).plan.strategy).toBe('Linear10PercentEvery3Minutes');
    expect(bridgeRequest({ ...base, strategyTag: '{"steps":[{"setWeight":5},{"bake":"2m"}]}' }).plan.steps).toEqual([{ setWeight: 5 }, { bake: 120 }, { setWeight: 100 }]);
  });

  it('refuses a plan longer than CodeDeploy’s hook allows, naming where the strategy came from', () => {
    expect(() => bridgeRequest({ ...base, strategyTag: 'Linear10PercentEvery10Minutes' })).toThrow(
      `tag glidepath:strategy: bakes and pauses for 90 min, longer than the ${BRIDGE_MAX_PLAN_SECONDS / 60} min bridge mode allows: CodeDeploy fails a lifecycle hook that has not answered within one hour; choose a shorter strategy, got "Linear10PercentEvery10Minutes"`,
    );
    expect(() => bridgeRequest({ ...base, defaultStrategy: 'Canary10Percent30Minutes' })).not.toThrow();
  });

  it('refuses steps that wait for an operator or a time', () => {
    expect(() => bridgeRequest({ ...base, strategyTag: '{"steps":[{"setWeight":5},{"approval":{}}]}' })).toThrow(/tag glidepath:strategy \(step 1\): is an approval/);
    expect(() => bridgeRequest({ ...base, strategyTag: '{"steps":[{"setWeight":5},{"pause":{}}]}' })).toThrow(/\(step 1\): is a pause without a duration/);
  });

  it('refuses a bad tag or AppSpec with the field', () => {
    expect(() => bridgeRequest({ ...base, strategyTag: 'Canary10Percent7Minutes' })).toThrow(/^tag glidepath:strategy: strategy/);
    expect(() => bridgeRequest({ ...base, strategyTag: '{nope' })).toThrow(/^tag glidepath:strategy: must be a strategy name or JSON/);
    expect(() => bridgeRequest({ ...base, appSpec: 'version: 0.0\nResources: []' })).toThrow(/^Resources: must hold exactly one resource/);
  });
});

describe('functionArn', () => {
  const self = 'arn:aws:lambda:eu-west-1:123456789012:function:CodeDeployHook_glidepath-bridge';
  it('makes the unqualified ARN ListTags needs', () => {
    expect(functionArn('orders-api', self)).toBe('arn:aws:lambda:eu-west-1:123456789012:function:orders-api');
    expect(functionArn('arn:aws:lambda:us-east-1:999999999999:function:orders-api:live', self)).toBe('arn:aws:lambda:us-east-1:999999999999:function:orders-api');
    expect(functionArn('999999999999:function:orders-api', self)).toBe('arn:aws:lambda:eu-west-1:999999999999:function:orders-api');
  });
});
