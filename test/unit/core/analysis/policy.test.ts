import { describe, expect, it } from 'vitest';
import { analysisPolicy } from '../../../../shared/core/analysis/policy.ts';
import { analysisSpan } from '../../../../shared/core/analysis/span.ts';
import { parseRequest } from '../../../../shared/core/validate.ts';
import { readSamTemplate } from '../../../../shared/core/readers/sam.ts';
import { buildDeployRequest } from '../../../../cli/request-flags.ts';
import type { DeploymentRecord } from '../../../../shared/core/model/record.ts';

const base = { functionName: 'orders', alias: 'live', targetVersion: '2', strategy: 'Canary10Percent5Minutes' };

describe('the analysis policy', () => {
  it('with no setting, every deployment judges errorRate and p99Duration with the defaults', () => {
    const policy = analysisPolicy(parseRequest(base));
    expect(policy).toMatchObject({ enabled: true, lagSeconds: 60, windowSeconds: 600, onInconclusive: 'proceed' });
    expect(policy.checks.map((c) => [c.name, c.kind, c.failures])).toEqual([
      ['errorRate', 'rate', 1],
      ['p99Duration', 'value', 2],
    ]);
  });

  it('tunes, turns off and adds checks', () => {
    const request = parseRequest({
      ...base,
      analysis: {
        lag: '2m',
        checks: { errorRate: { tolerance: { absolute: 0.01 }, failures: 3 }, p99Duration: { enabled: false } },
        custom: [{ name: 'checkouts', direction: 'lowerIsWorse', metric: { namespace: 'Orders', metricName: 'Checkouts', dimensions: { version: '${version}' }, stat: 'Sum' } }],
      },
    });
    const policy = analysisPolicy(request);
    expect(policy.lagSeconds).toBe(120);
    expect(policy.checks.map((c) => c.name)).toEqual(['errorRate', 'checkouts']);
    expect(policy.checks[0]).toMatchObject({ tolerance: { relative: 0.5, absolute: 0.01 }, failures: 3 });
    expect(analysisPolicy(parseRequest({ ...base, analysis: { enabled: false } })).enabled).toBe(false);
  });

  it('refuses a bad policy naming the field and the rule', () => {
    expect(() => parseRequest({ ...base, analysis: { onInconclusive: 'wait' } })).toThrow(/analysis\.onInconclusive/);
    expect(() => parseRequest({ ...base, analysis: { checks: { errorRate: { failures: 0 } } } })).toThrow(/analysis\.checks\.errorRate\.failures: must be at least 1/);
    expect(() => parseRequest({ ...base, analysis: { custom: [{ name: 'x', direction: 'higherIsWorse' }] } })).toThrow(/analysis\.custom\[0\]\.metric: must give either metric or expression/);
    expect(() => parseRequest({ ...base, analysis: { custom: [{ name: 'errorRate', direction: 'higherIsWorse', metric: { namespace: 'a', metricName: 'b', dimensions: {}, stat: 'Sum' } }] } })).toThrow(/analysis\.custom\[0\]\.name: must not be a built-in/);
  });

  it('comes from CLI flags and from a SAM function\'s Metadata.Glidepath', () => {
    const io = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, cwd: '/' };
    const flags = { strategy: 'AllAtOnce', function: 'orders', alias: 'live', target: '2' };
    expect(buildDeployRequest({ ...flags, analysis: false }, io as never).request.analysis).toEqual({ enabled: false });
    expect(buildDeployRequest({ ...flags, analysis: '{"lag":"2m"}', onInconclusive: 'pause' }, io as never).request.analysis).toEqual({ lag: '2m', onInconclusive: 'pause' });
    const template = `
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Metadata:
      Glidepath:
        analysis: { onInconclusive: extend, extendUpTo: 20m }
    Properties:
      AutoPublishAlias: live
      DeploymentPreference: { Type: Canary10Percent5Minutes }
`;
    expect(readSamTemplate(template, 'Orders').request.analysis).toEqual({ onInconclusive: 'extend', extendUpTo: '20m' });
  });
});

describe('the span judged', () => {
  const record = (over: Partial<DeploymentRecord>): DeploymentRecord =>
    ({
      plan: { steps: [{ setWeight: 10 }, { bake: 600 }, { setWeight: 100 }] },
      stepIndex: 1,
      stepStartedAt: '2026-01-01T10:00:30.000Z',
      weight: 10,
      createdAt: '2026-01-01T09:59:00.000Z',
      ...over,
    }) as DeploymentRecord;
  const policy = { enabled: true, lagSeconds: 60, windowSeconds: 600 };
  const at = (iso: string) => Date.parse(iso);

  it('judges closed minutes only once the lag has passed, and never the same minutes twice', () => {
    expect(analysisSpan(record({}), policy, at('2026-01-01T10:01:59Z'))).toBeUndefined();
    const span = analysisSpan(record({}), policy, at('2026-01-01T10:02:00Z'));
    expect(span).toEqual({ stepIndex: 1, target: { start: '2026-01-01T10:00:00.000Z', end: '2026-01-01T10:01:00.000Z' }, current: { start: '2026-01-01T10:00:00.000Z', end: '2026-01-01T10:01:00.000Z' } });
    const judged = record({ analysis: { stepIndex: 1, judgedUntil: '2026-01-01T10:01:00.000Z', recent: {}, lastVerdicts: [] } });
    expect(analysisSpan(judged, policy, at('2026-01-01T10:02:30Z'))).toBeUndefined();
  });

  it('slides a window of the last minutes over a long step', () => {
    const span = analysisSpan(record({}), policy, at('2026-01-01T10:30:00Z'));
    expect(span?.target).toEqual({ start: '2026-01-01T10:19:00.000Z', end: '2026-01-01T10:29:00.000Z' });
  });

  it('at 100 % (the final bake) judges the current version over the minutes before promotion', () => {
    const final = record({ stepIndex: 3, weight: 100, stepStartedAt: '2026-01-01T10:20:10.000Z' });
    const span = analysisSpan(final, policy, at('2026-01-01T10:25:00Z'));
    expect(span?.target).toEqual({ start: '2026-01-01T10:20:00.000Z', end: '2026-01-01T10:24:00.000Z' });
    expect(span?.current).toEqual({ start: '2026-01-01T10:11:00.000Z', end: '2026-01-01T10:21:00.000Z' });
  });

  it('watches only bakes, analysis steps and the final bake, with traffic on the target', () => {
    expect(analysisSpan(record({ stepIndex: 0 }), policy, at('2026-01-01T10:30:00Z'))).toBeUndefined();
    expect(analysisSpan(record({ weight: 0 }), policy, at('2026-01-01T10:30:00Z'))).toBeUndefined();
    expect(analysisSpan(record({}), { ...policy, enabled: false }, at('2026-01-01T10:30:00Z'))).toBeUndefined();
  });
});
