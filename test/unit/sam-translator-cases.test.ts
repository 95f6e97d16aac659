/** The SAM reader on the cases the AWS SAM translator resolves or validates (fixture: sam/translator-cases.yaml). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSamTemplate, samRequestWithStrategy } from '../../shared/core/readers/sam.ts';
import { rejected } from '../support/rejected.ts';

const template = readFileSync(new URL('../fixtures/sam/translator-cases.yaml', import.meta.url), 'utf8');
const at = (id: string, key: string) => `Resources.${id}.Properties.DeploymentPreference.${key}`;

describe('SAM: Type from parameter defaults and Mappings', () => {
  it('resolves Fn::Sub over a parameter and FindInMap keyed by a parameter to CodeDeploy names', () => {
    expect(readSamTemplate(template, 'SubFunction').request.strategy).toBe('Canary10Percent5Minutes');
    expect(readSamTemplate(template, 'MapFunction').request.strategy).toBe('Linear10PercentEvery3Minutes');
  });

  it('names the custom configuration a FindInMap resolves to, and plans it with --strategy', () => {
    const read = readSamTemplate(template, 'CustomFunction');
    expect(read.deploymentType).toBe('OrgCanary25Percent');
    const error = rejected(() => samRequestWithStrategy(read));
    expect(error.field).toBe(at('CustomFunction', 'Type'));
    expect(error.message).toContain('is the custom deployment configuration OrgCanary25Percent');
    expect(samRequestWithStrategy(read, 'Canary10Percent15Minutes').strategy).toBe('Canary10Percent15Minutes');
  });

  it('applies --strategy before rejecting a Type that cannot be resolved offline, and says it replaced it', () => {
    expect(rejected(() => readSamTemplate(template, 'IfTypeFunction')).message).toContain('Fn::If is evaluated only when the stack is deployed');
    const read = readSamTemplate(template, 'IfTypeFunction', { strategyGiven: true });
    expect(read.warnings).toEqual([`${at('IfTypeFunction', 'Type')}: Fn::If is evaluated only when the stack is deployed; --strategy replaces it`]);
    expect(samRequestWithStrategy(read, 'AllAtOnce').strategy).toBe('AllAtOnce');
  });
});

describe('SAM: PassthroughCondition', () => {
  it('accepts a boolean, "True" from a parameter Default', () => {
    expect(() => readSamTemplate(template, 'SubFunction')).not.toThrow();
    expect(() => readSamTemplate(template, 'MapFunction')).not.toThrow();
  });

  it('rejects what SAM rejects: a non-boolean value, an intrinsic other than FindInMap and parameter Refs', () => {
    const bad = rejected(() => readSamTemplate(template, 'BadPassthroughFunction'));
    expect(bad.message).toBe(`${at('BadPassthroughFunction', 'PassthroughCondition')}: must be true or false (as SAM), got "yes"`);
    const viaIf = rejected(() => readSamTemplate(template, 'IfPassthroughFunction'));
    expect(viaIf.message).toContain('supports only FindInMap and parameter Refs among the intrinsic functions');
  });
});

describe("SAM: a function's Condition", () => {
  it('is honoured when the defaults decide it: false means the stack creates no such function', () => {
    const error = rejected(() => readSamTemplate(template, 'LegacyOnlyFunction'));
    expect(error.code).toBe('INVALID_REVISION');
    expect(error.field).toBe('Resources.LegacyOnlyFunction.Condition');
    expect(error.message).toContain("is ProdAndLegacy, false with the parameters' defaults: the stack does not create this function");
  });

  it('true from the defaults plans; one that needs the region plans with a warning', () => {
    expect(readSamTemplate(template, 'SubFunction').warnings).toEqual([]);
    const regional = readSamTemplate(template, 'RegionalFunction');
    expect(regional.warnings).toEqual(['Resources.RegionalFunction.Condition: InUsEast1 cannot be evaluated before deployment (AWS::Region is known only when the stack is deployed); planned as if true']);
  });
});

describe('SAM: Enabled, Role, TriggerConfigurations', () => {
  it('checks Enabled (here from a mapping) before requiring AutoPublishAlias', () => {
    const error = rejected(() => readSamTemplate(template, 'DisabledNoAliasFunction'));
    expect(error.field).toBe(at('DisabledNoAliasFunction', 'Enabled'));
    expect(error.message).toContain('is false: the deployment preference is disabled');
  });

  it('maps TriggerConfigurations to SNS notifications and says which settings are ignored or mapped', () => {
    const read = readSamTemplate(template, 'NotifyingFunction');
    expect(read.request.notifications).toEqual([
      { type: 'sns', topicArn: 'arn:aws:sns:eu-west-1:123456789012:glidepath-alerts', events: ['failed', 'rolledBack', 'succeeded'] },
    ]);
    expect(read.warnings).toEqual([
      `${at('NotifyingFunction', 'TriggerConfigurations')}[0].TriggerEvents: InstanceFailure has no Lambda deployment equivalent: ignored`,
      `${at('NotifyingFunction', 'TriggerConfigurations')}[1].TriggerTargetArn: not mapped to a notification (Ref DeployTopic is a resource, known only when the stack is deployed); list the topic in the request's notifications`,
      `${at('NotifyingFunction', 'TriggerConfigurations')}: mapped to SNS notifications (glidepath-alerts)`,
      `${at('NotifyingFunction', 'Role')}: ignored (CodeDeploy's service role; Glidepath shifts traffic with its own functions' roles)`,
    ]);
  });
});
