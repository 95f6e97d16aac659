import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSamTemplate, samRequestWithStrategy } from '../../shared/core/readers/sam.ts';
import { rejected } from '../support/rejected.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/sam/${name}`, import.meta.url), 'utf8');
const template = fixture('template.yaml');

describe('readSamTemplate: accepted', () => {
  it('resolves !Ref to a parameter, to functions (FunctionName or logical id) and to alarms (AlarmName or logical id)', () => {
    expect(readSamTemplate(template, 'OrdersFunction')).toEqual({
      request: {
        functionName: 'orders-api',
        alias: 'live',
        strategy: 'Canary10Percent5Minutes',
        hooks: {
          // PreTrafficHook sets FunctionName; PostTrafficHook's is a !Sub, so its logical id stands in
          beforeAllowTraffic: 'CodeDeployHook_orders-pre-traffic',
          afterAllowTraffic: 'PostTrafficHook',
        },
        alarms: ['orders-5xx', 'OrdersLatencyAlarm', 'shared-dependency-errors'],
      },
      deploymentType: 'Canary10Percent5Minutes',
      typeField: 'Resources.OrdersFunction.Properties.DeploymentPreference.Type',
      warnings: [],
    });
  });

  it('reads the CodeDeployDefault.Lambda… form, Enabled "TRUE" and AutoPublishAlias from a parameter', () => {
    expect(readSamTemplate(template, 'PaymentsFunction').request).toEqual({
      functionName: 'PaymentsFunction',
      alias: 'prod',
      strategy: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute',
    });
  });

  it('leaves the strategy out for a custom configuration name, and requires one to plan', () => {
    const read = readSamTemplate(template, 'ReportsFunction');
    expect(read.request).toEqual({ functionName: 'ReportsFunction', alias: 'live', hooks: { beforeAllowTraffic: 'reports-smoke-test' } });
    expect(read.deploymentType).toBe('ReportsNightlyRollout');
    const error = rejected(() => samRequestWithStrategy(read));
    expect(error.code).toBe('INVALID_DEPLOYMENT_CONFIG');
    expect(error.field).toBe('Resources.ReportsFunction.Properties.DeploymentPreference.Type');
    expect(error.message).toContain('give the strategy with --strategy, got "ReportsNightlyRollout"');
    expect(samRequestWithStrategy(read, { type: 'TimeBasedCanary', percentage: 5, intervalMinutes: 60 }).strategy).toEqual({
      type: 'TimeBasedCanary',
      percentage: 5,
      intervalMinutes: 60,
    });
  });

  it('lets --strategy replace a known Type', () => {
    expect(samRequestWithStrategy(readSamTemplate(template, 'OrdersFunction'), 'AllAtOnce').strategy).toBe('AllAtOnce');
  });

  it('merges Globals.Function: alias and Type from Globals, alarm lists appended', () => {
    const globals = fixture('globals.yaml');
    expect(readSamTemplate(globals, 'InventoryFunction')).toEqual({
      request: {
        functionName: 'inventory',
        alias: 'live',
        strategy: 'Linear10PercentEvery2Minutes',
        hooks: { beforeAllowTraffic: 'inventory-pre-traffic' },
        alarms: ['platform-errors', 'inventory-errors'],
      },
      deploymentType: 'Linear10PercentEvery2Minutes',
      typeField: 'Globals.Function.DeploymentPreference.Type',
      warnings: [],
    });
    expect(readSamTemplate(globals, 'ShippingFunction').request).toEqual({
      functionName: 'ShippingFunction',
      alias: 'blue',
      strategy: 'Canary10Percent15Minutes',
      alarms: ['platform-errors'],
    });
  });

  it('reads JSON templates with {"Ref": …} and a hook that is an AWS::Lambda::Function', () => {
    expect(readSamTemplate(fixture('template.json'), 'CartFunction').request).toEqual({
      functionName: 'CartFunction',
      alias: 'live',
      strategy: 'Linear10PercentEvery10Minutes',
      hooks: { beforeAllowTraffic: 'CartHook' },
      alarms: ['checkout-errors'],
    });
  });
});

describe('readSamTemplate: rejected', () => {
  const cases: [string, string, string, string][] = [
    ['LegacyFunction', 'INVALID_DEPLOYMENT_CONFIG', 'Resources.LegacyFunction.Properties.DeploymentPreference.Enabled', 'is false: the deployment preference is disabled, so there is nothing to plan'],
    ['SwitchedOffFunction', 'INVALID_DEPLOYMENT_CONFIG', 'Resources.SwitchedOffFunction.Properties.DeploymentPreference.Enabled', 'is false: the deployment preference is disabled, so there is nothing to plan'],
    ['NoAliasFunction', 'INVALID_REVISION', 'Resources.NoAliasFunction.Properties.AutoPublishAlias', 'is required: a deployment preference shifts traffic on the alias SAM publishes'],
    ['NoTypeFunction', 'INVALID_DEPLOYMENT_CONFIG', 'Resources.NoTypeFunction.Properties.DeploymentPreference.Type', 'is required (a deployment configuration name)'],
    ['NoPreferenceFunction', 'INVALID_DEPLOYMENT_CONFIG', 'Resources.NoPreferenceFunction.Properties.DeploymentPreference', 'is required: the function has no DeploymentPreference'],
    ['BadHookFunction', 'INVALID_REQUEST', 'Resources.BadHookFunction.Properties.DeploymentPreference.Hooks.PreTraffic', 'must be a function name or ARN, or !Ref to a function in this template (Orders5xxAlarm is not one), got {"Ref":"Orders5xxAlarm"}'],
    ['BadAlarmFunction', 'INVALID_ALARM_CONFIG', 'Resources.BadAlarmFunction.Properties.DeploymentPreference.Alarms[0]', 'must be an alarm name or !Ref to an AWS::CloudWatch::Alarm in this template (PreTrafficHook is not one), got {"Ref":"PreTrafficHook"}'],
    ['ConditionalFunction', 'INVALID_DEPLOYMENT_CONFIG', 'Resources.ConditionalFunction.Properties.DeploymentPreference.Type', 'cannot be resolved before deployment (Fn::If is evaluated only when the stack is deployed): give the strategy with --strategy, got {"Fn::If":["IsProd","Canary10Percent30Minutes","AllAtOnce"]}'],
    ['EnabledWithoutDefaultFunction', 'INVALID_DEPLOYMENT_CONFIG', 'Resources.EnabledWithoutDefaultFunction.Properties.DeploymentPreference.Enabled', 'cannot be resolved before deployment (parameter NoDefault has no Default): give true or false, got {"Ref":"NoDefault"}'],
    ['Orders5xxAlarm', 'INVALID_REVISION', 'Resources.Orders5xxAlarm.Type', 'must be AWS::Serverless::Function, got "AWS::CloudWatch::Alarm"'],
  ];
  for (const [id, code, field, rule] of cases) {
    it(`rejects ${id}`, () => {
      const error = rejected(() => readSamTemplate(template, id));
      expect(error.code).toBe(code);
      expect(error.field).toBe(field);
      expect(error.message).toBe(`${field}: ${rule}`);
    });
  }

  it('rejects "False" in a JSON template as disabled', () => {
    expect(rejected(() => readSamTemplate(fixture('template.json'), 'CheckoutFunction')).field).toBe(
      'Resources.CheckoutFunction.Properties.DeploymentPreference.Enabled',
    );
  });

  it('rejects an Enabled that is not a boolean', () => {
    const source = template.replace('Enabled: "TRUE"', 'Enabled: "yes"');
    expect(rejected(() => readSamTemplate(source, 'PaymentsFunction')).message).toBe(
      'Resources.PaymentsFunction.Properties.DeploymentPreference.Enabled: must be true or false (a boolean, "true"/"false", or !Ref / !FindInMap giving one), got "yes"',
    );
  });

  it('names the functions when the logical id is not in the template', () => {
    const error = rejected(() => readSamTemplate(fixture('globals.yaml'), 'OrdersFunction'));
    expect(error.message).toBe('Resources.OrdersFunction: is not in the template (functions: InventoryFunction, ShippingFunction)');
  });

  it('rejects an unknown tag or a template without Resources', () => {
    expect(rejected(() => readSamTemplate(fixture('invalid-syntax.yaml'), 'OrdersFunction')).message).toMatch(/^template: must be a YAML or JSON template \(unknown tag/);
    expect(rejected(() => readSamTemplate('AWSTemplateFormatVersion: "2010-09-09"\n', 'X')).field).toBe('Resources');
  });

  it('rejects an unknown hook key', () => {
    const source = template.replace('PostTraffic: !GetAtt PostTrafficHook.Arn', 'DuringTraffic: !GetAtt PostTrafficHook.Arn');
    expect(rejected(() => readSamTemplate(source, 'OrdersFunction')).field).toBe('Resources.OrdersFunction.Properties.DeploymentPreference.Hooks.DuringTraffic');
  });
});
