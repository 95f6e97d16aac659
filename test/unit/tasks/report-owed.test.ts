/**
 * The owed CodeDeploy report over in-memory ports: a lifecycle reporter that answers as CodeDeploy
 * would (or fails as told), a store that applies set/remove/append to one record under the
 * `absent` / `present` guards, a clock the test moves.
 */
import { describe, expect, it } from 'vitest';
import { GlidepathError, ThrottledError } from '../../../shared/core/errors.ts';
import type { DeploymentEvent, DeploymentRecord } from '../../../shared/core/model/record.ts';
import type { DeploymentStore, Guard, RecordChange } from '../../../shared/core/ports/deployment-store.ts';
import type { LifecycleHookRef, LifecycleReporter } from '../../../shared/core/ports/lifecycle-reporter.ts';
import { describeOwedReport, owedReport, REPORT_MAX_DELAY_SECONDS, reportDelaySeconds } from '../../../shared/core/deployment/codedeploy-report.ts';
import { reportOne, reportOwed, type ReportPorts } from '../../../shared/tasks/report-owed.ts';
import { repairOne, type RepairPorts } from '../../../shared/tasks/repair.ts';
import { baseRequest, deploymentRecord, T0 } from '../handlers/harness.ts';

const HOOK: LifecycleHookRef = { deploymentId: 'd-ABCDEF', lifecycleEventHookExecutionId: 'hook-exec-1' };

class MemoryCodeDeploy implements LifecycleReporter {
  answered?: 'Succeeded' | 'Failed';
  failures: Error[] = [];
  calls: { ref: LifecycleHookRef; status: string }[] = [];
  async report(ref: LifecycleHookRef, status: 'Succeeded' | 'Failed'): Promise<'reported' | 'alreadyCompleted'> {
    this.calls.push({ ref, status });
    const failure = this.failures.shift();
    if (failure) throw failure;
    if (this.answered) return 'alreadyCompleted';
    this.answered = status;
    return 'reported';
  }
}

function holds(record: Record<string, unknown>, guard: Guard): boolean {
  if ('absent' in guard) return record[guard.absent] === undefined;
  if ('present' in guard) return record[guard.present] !== undefined;
  throw new Error(`guard not served here: ${JSON.stringify(guard)}`);
}

class MemoryStore implements Pick<DeploymentStore, 'update'> {
  writes: RecordChange[] = [];
  /** The events appended, as the record's history items would hold them. */
  events: DeploymentEvent[] = [];
  constructor(public record: DeploymentRecord) {}
  async update(id: string, change: RecordChange): Promise<DeploymentRecord | undefined> {
    this.writes.push(change);
    const current = this.record as unknown as Record<string, unknown>;
    if (id !== this.record.id || !(change.when ?? []).every((g) => holds(current, g))) return undefined;
    const next = { ...current, ...change.set };
    for (const key of change.remove ?? []) delete next[key];
    this.events.push(...(change.append?.events ?? []));
    this.record = next as unknown as DeploymentRecord;
    return this.record;
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

function setup(overrides: Partial<DeploymentRecord> = {}) {
  let now = T0;
  const endedAt = iso(T0);
  const status = overrides.status ?? 'Succeeded';
  const store = new MemoryStore(
    deploymentRecord(
      { status, weight: status === 'Succeeded' ? 100 : 0, endedAt, gsi2pk: 'ACTIVE', gsi2sk: `${endedAt}#gp-test-1`, codeDeployReport: owedReport(status, endedAt), ...overrides },
      { ...baseRequest, codeDeploy: HOOK },
    ),
  );
  const codeDeploy = new MemoryCodeDeploy();
  const warnings: Record<string, unknown>[] = [];
  const log = { info: () => undefined, warn: (_m: string, extra?: Record<string, unknown>) => void warnings.push(extra ?? {}), error: () => undefined } as unknown as ReportPorts['log'];
  const ports: ReportPorts = { lifecycle: codeDeploy, store, clock: { now: () => now, sleep: async (s) => void (now += s * 1000) }, log };
  return { store, codeDeploy, ports, warnings, advance: (seconds: number) => (now += seconds * 1000) };
}

const types = (store: MemoryStore) => store.events.map((e) => e.type);

describe('the owed report', () => {
  it('is the final status: Succeeded for a success, Failed for any other end; first due a minute after the end', () => {
    expect(owedReport('Succeeded', iso(T0))).toEqual({ status: 'Succeeded', since: iso(T0), attempts: 0, nextAt: iso(T0 + 60_000) });
    expect(owedReport('Stopped', iso(T0)).status).toBe('Failed');
    expect(owedReport('Failed', iso(T0)).status).toBe('Failed');
  });

  it('backs off from a minute, doubling, at most every 4 minutes (CodeDeploy waits an hour for a hook)', () => {
    expect([1, 2, 3, 4, 5, 50].map(reportDelaySeconds)).toEqual([60, 120, 240, 240, 240, 240]);
    expect(reportDelaySeconds(10_000)).toBe(REPORT_MAX_DELAY_SECONDS);
  });

  it('reads as what is pending', () => {
    expect(describeOwedReport({ status: 'Failed', since: iso(T0), attempts: 3, nextAt: iso(T0 + 420_000), lastError: 'THROTTLED: slow down' })).toBe(
      `CodeDeploy not yet told Failed: 3 tries, next at ${iso(T0 + 420_000)}; last error: THROTTLED: slow down`,
    );
  });
});

describe('report task', () => {
  it('tells CodeDeploy the record\'s status, clears the marker and takes the record out of the active index', async () => {
    const { store, codeDeploy, ports } = setup();
    await expect(reportOne(store.record, ports, { now: true })).resolves.toBe('told');
    expect(codeDeploy.calls).toEqual([{ ref: HOOK, status: 'Succeeded' }]);
    expect(store.record.codeDeployReport).toBeUndefined();
    expect(store.record.gsi2pk).toBeUndefined();
    expect(store.record.gsi2sk).toBeUndefined();
    expect(store.events.at(-1)).toMatchObject({ type: 'CodeDeployReported', message: 'CodeDeploy told Succeeded (1 try)' });
  });

  it('sends what the record ended with, not what the marker says (a Stopped deployment is reported Failed)', async () => {
    const { store, codeDeploy, ports } = setup({ status: 'Stopped', codeDeployReport: { ...owedReport('Succeeded', iso(T0)), nextAt: iso(T0) } });
    await expect(reportOne(store.record, ports)).resolves.toBe('told');
    expect(codeDeploy.answered).toBe('Failed');
  });

  it('a transient failure counts on the record (attempts, last error, next try), keeps the record in the index, and comes again when due', async () => {
    const { store, codeDeploy, ports, advance, warnings } = setup();
    codeDeploy.failures.push(new ThrottledError('codedeploy:PutLifecycleEventHookExecutionStatus d-ABCDEF was throttled'), new GlidepathError('INTERNAL_ERROR', 'connect ECONNRESET'));

    await expect(reportOne(store.record, ports, { now: true })).resolves.toBe('retrying');
    expect(store.record.codeDeployReport).toEqual({ status: 'Succeeded', since: iso(T0), attempts: 1, nextAt: iso(T0 + 60_000), lastError: 'THROTTLED: codedeploy:PutLifecycleEventHookExecutionStatus d-ABCDEF was throttled' });
    expect(store.record.gsi2pk).toBe('ACTIVE');
    expect(types(store)).toEqual([]);

    advance(59);
    await expect(reportOne(store.record, ports)).resolves.toBe('notDue');
    expect(codeDeploy.calls).toHaveLength(1);
    advance(1);
    await expect(reportOne(store.record, ports)).resolves.toBe('retrying');
    expect(store.record.codeDeployReport).toMatchObject({ attempts: 2, nextAt: iso(T0 + 60_000 + 120_000), lastError: 'INTERNAL_ERROR: connect ECONNRESET' });

    advance(120);
    await expect(reportOne(store.record, ports)).resolves.toBe('told');
    expect(store.events.at(-1)?.message).toBe('CodeDeploy told Succeeded (3 tries)');
    expect(store.record.gsi2pk).toBeUndefined();
    expect(warnings.map((w) => w.attempts)).toEqual([1, 2]);
  });

  it('a try that fails after the report was cleared elsewhere does not owe it again', async () => {
    const { store, codeDeploy, ports } = setup();
    const seen = store.record;
    await reportOne(seen, ports, { now: true });
    codeDeploy.failures.push(new ThrottledError('throttled'));
    await expect(reportOne(seen, ports, { now: true })).resolves.toBe('retrying');
    expect(store.record.codeDeployReport).toBeUndefined();
  });

  it('"already completed" ends the report too, and says so', async () => {
    const { store, codeDeploy, ports } = setup({ status: 'Failed' });
    codeDeploy.answered = 'Failed';
    await expect(reportOne(store.record, ports, { now: true })).resolves.toBe('alreadyAnswered');
    expect(store.record.codeDeployReport).toBeUndefined();
    expect(store.events.at(-1)).toMatchObject({ type: 'CodeDeployAlreadyAnswered', message: expect.stringContaining('when told Failed (1 try)') });
  });

  it.each([
    ['no such deployment', new GlidepathError('DEPLOYMENT_NOT_FOUND', 'codedeploy:PutLifecycleEventHookExecutionStatus d-ABCDEF: CodeDeploy has no such deployment')],
    ['a hook id CodeDeploy does not know', new GlidepathError('INVALID_REQUEST', 'refused (InvalidLifecycleEventHookExecutionIdException)')],
  ])('a final refusal (%s) ends the retries with an event that says so', async (_what, error) => {
    const { store, codeDeploy, ports } = setup();
    codeDeploy.failures.push(error);
    await expect(reportOne(store.record, ports, { now: true })).resolves.toBe('refused');
    expect(store.record.codeDeployReport).toBeUndefined();
    expect(store.record.gsi2pk).toBeUndefined();
    expect(store.events.at(-1)).toMatchObject({ type: 'CodeDeployReportRefused', message: expect.stringMatching(new RegExp(`^CodeDeploy refused the Succeeded report \\(${error.code}\\): .*; not tried again$`)) });
  });

  it('a repair still owed keeps the record in the active index; the last of the two to finish takes it out', async () => {
    const { store, codeDeploy, ports } = setup({ status: 'Failed', weight: 10, repair: { since: iso(T0), attempts: 0, nextAt: iso(T0) } });
    await expect(reportOne(store.record, ports, { now: true })).resolves.toBe('told');
    expect(codeDeploy.answered).toBe('Failed');
    expect(store.record.codeDeployReport).toBeUndefined();
    expect(store.record.gsi2pk).toBe('ACTIVE');

    const aliases = { read: async () => ({ functionVersion: '7', weights: { '8': 0.1 }, revisionId: 'rev-1' }), update: async () => ({ functionVersion: '7', weights: {}, revisionId: 'rev-2' }) };
    await expect(repairOne(store.record, { ...ports, aliases } as unknown as RepairPorts)).resolves.toBe('repaired');
    expect(store.record.repair).toBeUndefined();
    expect(store.record.gsi2pk).toBeUndefined();
  });

  it('the repair ending between the two writes of the report: the report\'s last write sees it gone and takes the record out', async () => {
    const { store, ports } = setup({ status: 'Failed', repair: { since: iso(T0), attempts: 0, nextAt: iso(T0) } });
    const update = store.update.bind(store);
    store.update = async (id, change) => {
      const out = await update(id, change);
      // The repair's own write lands just after the report's first one (refused: a repair was owed).
      if (store.writes.length === 1) {
        expect(out).toBeUndefined();
        delete (store.record as unknown as Record<string, unknown>).repair;
      }
      return out;
    };
    await expect(reportOne(store.record, ports, { now: true })).resolves.toBe('told');
    expect(store.writes.map((w) => w.remove)).toEqual([['codeDeployReport', 'gsi2pk', 'gsi2sk'], ['codeDeployReport'], ['gsi2pk', 'gsi2sk']]);
    expect(store.record.codeDeployReport).toBeUndefined();
    expect(store.record.gsi2pk).toBeUndefined();
  });

  it('reportOwed() tries only the records that owe a report and says what became of each', async () => {
    const { store, ports, advance } = setup();
    advance(60);
    const running = deploymentRecord({ id: 'gp-running', status: 'InProgress' });
    await expect(reportOwed([running, store.record], ports)).resolves.toEqual([{ deploymentId: 'gp-test-1', outcome: 'told' }]);
  });
});
