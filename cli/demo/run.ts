/**
 * `glidepath demo`: on a local engine at high speed —
 * 1. creates `demo-orders` (a real zip) with versions 1 and 2, alias `live` on 1, and an alarm on
 *    the Errors of the target version; a traffic generator invokes `demo-orders:live` throughout;
 * 2. deploys version 2 with Canary10Percent5Minutes and shows the live view: it succeeds;
 * 3. publishes a faulty version 3 and deploys it with a BeforeAllowTraffic smoke-test hook
 *    (which passes: the bug is only on real orders); at the canary step its errors trip the
 *    alarm and Glidepath rolls back to version 2;
 * 4. publishes version 4, which fails one order in five, and deploys it with no alarm at all: the
 *    analysis judges it against version 2 from the per-version metrics and rolls it back;
 * 5. prints the three timelines (weight over time, with events) and exits 0 if all went as told.
 */
import { getAlias } from '../../shared/aws/lambda-alias.ts';
import { createFunctionWithVersions, createNodeFunction, publishCode, putMetricAlarm, type MetricAlarm } from '../../shared/aws/sample-app.ts';
import type { DeploymentRequest } from '../../shared/core/model/request.ts';
import type { CliIO } from '../context.ts';
import { EXIT_CODES } from '../exit-codes.ts';
import { startRequest, describeStart } from '../commands/deploy.ts';
import { readSnapshot, type DeploymentSnapshot } from '../snapshot.ts';
import { embeddedTarget } from '../target.ts';
import { liveView, LiveDisplay, PlainDisplay, type Display, type OutputMode } from '../view/display.ts';
import { styleFor } from '../view/style.ts';
import { renderTimeline } from '../view/timeline.ts';
import { watchDeployment } from '../watch.ts';
import { ordersSource, sampleSource, zipHandler } from './samples.ts';
import { describeTraffic, TrafficGenerator, type TrafficCounts } from './traffic.ts';

export const DEMO_FUNCTION = 'demo-orders';
export const DEMO_ALIAS = 'live';
export const DEMO_HOOK = 'demo-smoke-hook';
const ROLE = 'arn:aws:iam::000000000000:role/demo-orders';

export interface DemoOptions {
  mode?: OutputMode;
  /** Simulated seconds per real second (default 40: the 5-minute canary bake takes 7.5 s). */
  speed?: number;
  /** Invocations per real second of the traffic generator (default 40). */
  rate?: number;
}

interface Phase {
  title: string;
  snapshot: DeploymentSnapshot;
  traffic: TrafficCounts;
}

function errorAlarm(version: string): MetricAlarm {
  return {
    AlarmName: `${DEMO_FUNCTION}-v${version}-errors`,
    AlarmDescription: `Errors of ${DEMO_FUNCTION} version ${version} behind alias ${DEMO_ALIAS}`,
    Namespace: 'AWS/Lambda',
    MetricName: 'Errors',
    Dimensions: [
      { Name: 'FunctionName', Value: DEMO_FUNCTION },
      { Name: 'Resource', Value: `${DEMO_FUNCTION}:${DEMO_ALIAS}` },
      { Name: 'ExecutedVersion', Value: version },
    ],
    Statistic: 'Sum',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 0,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
  };
}

export async function runDemo(io: CliIO, options: DemoOptions = {}): Promise<number> {
  const mode = options.mode ?? 'human';
  const human = mode === 'human';
  const style = styleFor(io);
  const say = (text: string) => {
    if (human) io.stdout.write(`${text}\n`);
  };
  const started = Date.now();
  const { startLocalEngine } = await import('../../infra/local/engine.ts');
  const engine = await startLocalEngine({ speed: options.speed ?? 40 });
  const target = embeddedTarget(engine, `local engine ${engine.url}`);
  const { clients } = target;
  const traffic = new TrafficGenerator(clients.lambda, DEMO_FUNCTION, DEMO_ALIAS, options.rate ?? 40);
  try {
    say(style.bold(`Glidepath demo — local engine on ${engine.url}, clock ×${engine.clock.speed} (a 5-minute bake takes ${(300 / engine.clock.speed).toFixed(1)} s)`));
    say('');
    const { lambda, cloudwatch } = clients;
    const [v1, v2] = (await createFunctionWithVersions(
      lambda,
      { name: DEMO_FUNCTION, role: ROLE, description: 'Glidepath demo: a small orders API' },
      ['v1', 'v2'].map((name) => zipHandler(ordersSource({ name, faulty: false }))),
      DEMO_ALIAS,
    )) as [string, string];
    await putMetricAlarm(cloudwatch, errorAlarm(v2));
    say(`Created ${style.bold(DEMO_FUNCTION)} (versions ${v1} and ${v2}), alias ${style.bold(DEMO_ALIAS)} → ${v1}, alarm ${DEMO_FUNCTION}-v${v2}-errors`);
    traffic.start();
    say(`Traffic: ${options.rate ?? 40} requests a second on ${DEMO_FUNCTION}:${DEMO_ALIAS}`);
    say('');

    const display = (): Display =>
      human && liveView(io) ? new LiveDisplay(io, { events: 4, extra: () => [style.dim(describeTraffic(traffic.snapshot()))] }) : human ? new PlainDisplay(io) : { update() {}, finish() {} };

    const phases: Phase[] = [];
    const deployPhase = async (title: string, request: DeploymentRequest): Promise<void> => {
      say(style.bold(title));
      const before = traffic.snapshot();
      const start = await startRequest(target, request);
      if (human) io.stdout.write(describeStart(start, io));
      const snapshot = await watchDeployment(target, start.deploymentId, display(), { intervalMs: 100, timeoutMs: 45_000 });
      const phase = { title, snapshot, traffic: traffic.since(before) };
      say(describeTraffic(phase.traffic));
      say('');
      phases.push(phase);
    };

    await deployPhase(`1. Deploy version ${v2} with Canary10Percent5Minutes`, {
      functionName: DEMO_FUNCTION,
      alias: DEMO_ALIAS,
      currentVersion: v1,
      targetVersion: v2,
      strategy: 'Canary10Percent5Minutes',
      alarms: [`${DEMO_FUNCTION}-v${v2}-errors`],
      description: 'glidepath demo: a good release',
    });

    const v3 = await publishCode(lambda, DEMO_FUNCTION, zipHandler(ordersSource({ name: 'v3', faulty: true })));
    await putMetricAlarm(cloudwatch, errorAlarm(v3));
    await createNodeFunction(
      lambda,
      {
        name: DEMO_HOOK,
        role: ROLE,
        description: 'Glidepath demo: BeforeAllowTraffic smoke test, CodeDeploy style',
        environment: { TARGET_FUNCTION: `${DEMO_FUNCTION}:${v3}` },
      },
      zipHandler(sampleSource('smoke-hook.mjs')),
    );
    say(`Published version ${v3} (a bug on real orders; health checks still pass), hook ${DEMO_HOOK}, alarm ${DEMO_FUNCTION}-v${v3}-errors`);
    await deployPhase(`2. Deploy faulty version ${v3} with Canary10Percent5Minutes and a BeforeAllowTraffic hook`, {
      functionName: DEMO_FUNCTION,
      alias: DEMO_ALIAS,
      currentVersion: v2,
      targetVersion: v3,
      strategy: 'Canary10Percent5Minutes',
      hooks: { beforeAllowTraffic: DEMO_HOOK },
      alarms: [`${DEMO_FUNCTION}-v${v3}-errors`],
      description: 'glidepath demo: a faulty release',
    });

    const v4 = await publishCode(lambda, DEMO_FUNCTION, zipHandler(ordersSource({ name: 'v4', faulty: false, flaky: true })));
    say(`Published version ${v4} (fails one order in five), no alarm for it: only the analysis compares it with version ${v2}`);
    await deployPhase(`3. Deploy version ${v4} at 20% for 10 minutes, no alarm: the analysis judges it against version ${v2}`, {
      functionName: DEMO_FUNCTION,
      alias: DEMO_ALIAS,
      currentVersion: v2,
      targetVersion: v4,
      strategy: { steps: [{ setWeight: 20 }, { bake: '10m' }] },
      description: 'glidepath demo: a release only the analysis catches',
    });
    await traffic.stop();

    // Read them once more: the full history (hooks with their times) for the timelines.
    const finals = await Promise.all(phases.map((p) => readSnapshot(target, p.snapshot.id)));
    const served = await getAlias(lambda, { functionName: DEMO_FUNCTION, alias: DEMO_ALIAS });
    const routing = served.weights;
    const problems: string[] = [];
    if (finals[0]!.status !== 'Succeeded') problems.push(`deployment 1 ended ${finals[0]!.status}${finals[0]!.error ? ` (${finals[0]!.error.code}: ${finals[0]!.error.message})` : ''}, expected Succeeded`);
    if (finals[1]!.status !== 'Failed') problems.push(`deployment 2 ended ${finals[1]!.status}, expected Failed (rolled back by the alarm)`);
    if (finals[2]!.error?.code !== 'ANALYSIS_FAILED') problems.push(`deployment 3 ended ${finals[2]!.status}${finals[2]!.error ? ` (${finals[2]!.error.code})` : ''}, expected Failed (ANALYSIS_FAILED)`);
    if (!finals[1]!.hooks.some((h) => h.lifecycleEvent === 'BeforeAllowTraffic' && h.status === 'Succeeded')) problems.push('the BeforeAllowTraffic hook did not succeed');
    if (served.functionVersion !== v2 || Object.keys(routing).length > 0) {
      problems.push(`alias ${DEMO_ALIAS} serves ${served.functionVersion} with weights ${JSON.stringify(routing)}, expected version ${v2} alone`);
    }
    const seconds = (Date.now() - started) / 1000;

    if (human) {
      say(style.bold('Timelines (traffic on the target version over simulated time)'));
      finals.forEach((snapshot, i) => {
        say('');
        const title = `${phases[i]!.title} — ${snapshot.status}${snapshot.error ? ` (${snapshot.error.code})` : ''}  ${style.dim(snapshot.id)}`;
        for (const line of renderTimeline({ ...snapshot, title }, style, { width: 60 })) say(line);
      });
      say('');
      say(`Alias ${DEMO_ALIAS} serves version ${served.functionVersion}${Object.keys(routing).length ? ` with weights ${JSON.stringify(routing)}` : ''}. ${describeTraffic(traffic.counts)}`);
      say(`Demo finished in ${seconds.toFixed(1)} s.`);
      for (const problem of problems) io.stderr.write(`demo: ${problem}\n`);
      if (problems.length === 0) {
        say('');
        say('Next: `glidepath local up` keeps an engine running; `glidepath deploy --local …` deploys your own functions on it.');
      }
    } else {
      io.stdout.write(
        `${JSON.stringify({ deployments: finals, alias: { name: DEMO_ALIAS, functionVersion: served.functionVersion, routing }, traffic: traffic.counts, seconds, problems }, null, 2)}\n`,
      );
    }
    return problems.length === 0 ? EXIT_CODES.ok : EXIT_CODES.failed;
  } finally {
    await traffic.stop();
    await engine.close();
  }
}
