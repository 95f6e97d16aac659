/** `glidepath plan --serverless serverless.yml --function <key>`, spawned as a user runs it. */
import { describe, expect, it } from 'vitest';
import { cleanEnv, json, runCli } from './harness.ts';

const FILE = 'test/fixtures/serverless/serverless.yml';

describe('glidepath plan --serverless', () => {
  it('plans the function from its deploymentSettings, warns of what it mapped or ignored, and names the field on bad input', async () => {
    const plan = await runCli(['plan', '--serverless', FILE, '--function', 'api', '--target', '4', '--json'], cleanEnv());
    expect(plan.code, plan.stderr).toBe(0);
    expect(json(plan)).toMatchObject({ functionName: 'orders-prod-api', alias: 'Live', strategy: 'Linear10PercentEvery1Minute', targetVersion: '4' });
    expect(json(plan).warnings).toContain('functions.api.deploymentSettings.triggerConfigurations: mapped to SNS notifications (glidepath-orders)');

    const bad = await runCli(['plan', '--serverless', FILE, '--function', 'cron'], cleanEnv());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: functions\.cron\.deploymentSettings: is required/m);
    const both = await runCli(['plan', '--serverless', FILE, '--template', 'template.yaml', '--function', 'api'], cleanEnv());
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('cannot be combined');
  }, 30_000);
});
