/** serverless.yml with serverless-plugin-canary-deployments' deploymentSettings → the request (fixture: serverless/serverless.yml). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readServerless } from '../../shared/core/readers/serverless.ts';
import { parseRequest } from '../../shared/core/validate.ts';
import { rejected } from '../support/rejected.ts';

const source = readFileSync(new URL('../fixtures/serverless/serverless.yml', import.meta.url), 'utf8');

describe('readServerless', () => {
  it("reads a function's settings over custom.deploymentSettings, with the framework's names and the plugin's alarm forms", () => {
    const read = readServerless(source, 'api');
    expect(read.stage).toBe('prod');
    expect(read.request).toEqual({
      functionName: 'orders-prod-api',
      alias: 'Live',
      strategy: 'Linear10PercentEvery1Minute',
      hooks: { beforeAllowTraffic: 'orders-prod-preHook', afterAllowTraffic: 'orders-prod-postHook' },
      alarms: ['orders-prod-errors', 'orders-latency-p99'],
      notifications: [{ type: 'sns', topicArn: 'arn:aws:sns:eu-west-1:123456789012:glidepath-orders', events: ['failed', 'rolledBack'] }],
    });
    expect(read.warnings).toEqual([
      'functions.api.deploymentSettings.triggerConfigurations: mapped to SNS notifications (glidepath-orders)',
      "custom.deploymentSettings.codeDeployRole: ignored (CodeDeploy's service role; Glidepath shifts traffic with its own functions' roles)",
    ]);
    expect(() => parseRequest({ ...read.request, targetVersion: '8' })).not.toThrow();
  });

  it('takes alias and alarms from custom.deploymentSettings and a function name with ${sls:stage}', () => {
    expect(readServerless(source, 'worker').request).toEqual({
      functionName: 'orders-worker-prod',
      alias: 'Live',
      strategy: 'Canary10Percent5Minutes',
      alarms: ['orders-prod-errors'],
    });
  });

  it('rejects, naming the field: no deploymentSettings, a full configuration name, an alarm without a name, an unknown function', () => {
    const cases: [string, string, string][] = [
      ['cron', 'functions.cron.deploymentSettings', 'is required: the plugin deploys gradually only the functions that have deploymentSettings'],
      ['fullName', 'functions.fullName.deploymentSettings.type', 'must be one of'],
      ['unnamedAlarm', 'functions.unnamedAlarm.deploymentSettings.alarms[0]', 'UnnamedAlarm sets no literal AlarmName'],
      ['nope', 'functions.nope', 'is not in serverless.yml (functions with deploymentSettings: api, worker, fullName, unnamedAlarm)'],
    ];
    for (const [fn, field, rule] of cases) {
      const error = rejected(() => readServerless(source, fn));
      expect(error.field, fn).toBe(field);
      expect(error.message, fn).toContain(rule);
    }
  });

  it('honours custom.deploymentSettings.stages', () => {
    const dev = source.replace("${opt:stage, 'prod'}", 'dev');
    const error = rejected(() => readServerless(dev, 'api'));
    expect(error.field).toBe('custom.deploymentSettings.stages');
    expect(error.message).toContain('does not include stage dev');
  });

  it('requires type and alias (the plugin has no default for either)', () => {
    const noAlias = source.replace('    alias: Live\n', '');
    expect(rejected(() => readServerless(noAlias, 'api')).field).toBe('functions.api.deploymentSettings.alias');
    const noType = source.replace('      type: Linear10PercentEvery1Minute\n', '');
    expect(rejected(() => readServerless(noType, 'api')).field).toBe('functions.api.deploymentSettings.type');
  });
});
