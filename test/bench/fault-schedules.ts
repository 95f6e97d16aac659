/**
 * Fault schedules at scale: `count` schedules drawn by fast-check (test/e2e/support/fault-schedules.ts),
 * each played on one engine in virtual time and held to the terminal invariant, then malformed
 * requests. Counts what was injected and raced; every violation is printed with its seed, its
 * fast-check path and its shrunk schedule. Run alone: `node --import tsx test/bench/fault-schedules.ts [count] [seed]`.
 */
import fc from 'fast-check';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { startLocalEngine } from '../../infra/local/engine.ts';
import { connect } from '../e2e/support/connect.ts';
import { createApp } from '../e2e/support/app.ts';
import { badInputArb, playSchedule, scheduleArb, tryBadInput, type BadInput, type Schedule } from '../e2e/support/fault-schedules.ts';
import { log, type Row } from './support.ts';

/** How long fast-check may shrink one counterexample (each try plays a schedule again). */
const SHRINK_MS = 120_000;

export interface Violation {
  seed: number;
  path?: string;
  violations: string[];
  shrunk?: Schedule | BadInput;
  shrunkViolations?: string[];
}

export interface FaultScheduleResult {
  schedules: number;
  faults: number;
  operatorActions: number;
  outsideWrites: number;
  /** Outside writes that landed after the deployment's last move of the alias (left as they were). */
  lateOutsideWrites: number;
  badInputs: number;
  outcomes: Record<string, number>;
  violations: Violation[];
  wallS: number;
}

export async function faultSchedules(count = 200, baseSeed = 1): Promise<{ row: Row; result: FaultScheduleResult }> {
  const engine = await startLocalEngine({ speed: 'max', logLevel: 'SILENT' });
  Object.assign(process.env, engine.env);
  const ctx = connect(engine);
  const outsideWriter = new LambdaClient({});
  const result: FaultScheduleResult = { schedules: 0, faults: 0, operatorActions: 0, outsideWrites: 0, lateOutsideWrites: 0, badInputs: 0, outcomes: {}, violations: [], wallS: 0 };
  const t0 = performance.now();
  try {
    for (let i = 0; i < count; i++) {
      const seed = baseSeed + i;
      let first: string[] | undefined;
      let last: string[] = [];
      const check = await fc.check(
        fc.asyncProperty(scheduleArb, async (schedule) => {
          const played = await playSchedule(ctx, schedule, outsideWriter);
          if (first === undefined) {
            // The schedule drawn from the seed; later runs are fast-check shrinking it.
            first = played.violations;
            result.schedules += 1;
            result.faults += played.faultsArmed;
            result.operatorActions += played.actionsSent;
            result.outsideWrites += played.outsideWriteSent ? 1 : 0;
            result.lateOutsideWrites += played.lateOutsideWrite ? 1 : 0;
            const outcome = `${played.executionStatus}${played.executionError ? ` ${played.executionError}` : ''}`;
            result.outcomes[outcome] = (result.outcomes[outcome] ?? 0) + 1;
          }
          if (played.violations.length > 0) last = played.violations;
          return played.violations.length === 0;
        }),
        { seed, numRuns: 1, interruptAfterTimeLimit: SHRINK_MS },
      );
      if (check.failed) {
        const v: Violation = { seed, path: check.counterexamplePath ?? undefined, violations: first ?? [], shrunk: check.counterexample?.[0], shrunkViolations: last };
        result.violations.push(v);
        log(`fault schedules: VIOLATION seed ${seed} path ${v.path}: ${v.violations.join('; ')}\n  shrunk: ${JSON.stringify(v.shrunk)}\n  shrunk gives: ${last.join('; ')}`);
      }
      if ((i + 1) % 25 === 0) log(`fault schedules: ${i + 1}/${count}, ${result.violations.length} with violations, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
    const app = await createApp(ctx.lambda, 'fs-bad');
    const badCount = Math.max(20, Math.ceil(count / 4));
    for (let i = 0; i < badCount; i++) {
      const seed = baseSeed + i;
      let first: string[] | undefined;
      const check = await fc.check(
        fc.asyncProperty(badInputArb, async (bad) => {
          const refusal = await tryBadInput(ctx, app, bad);
          if (first === undefined) {
            first = refusal.violations;
            result.badInputs += 1;
          }
          return refusal.violations.length === 0;
        }),
        { seed, numRuns: 1, interruptAfterTimeLimit: SHRINK_MS },
      );
      if (check.failed) {
        const v: Violation = { seed, path: check.counterexamplePath ?? undefined, violations: first ?? [], shrunk: check.counterexample?.[0] };
        result.violations.push(v);
        log(`fault schedules: BAD INPUT VIOLATION seed ${seed} path ${v.path}: ${v.violations.join('; ')}\n  shrunk: ${JSON.stringify(v.shrunk).slice(0, 400)}`);
      }
    }
  } finally {
    outsideWriter.destroy();
    ctx.lambda.destroy();
    ctx.sfn.destroy();
    ctx.cloudwatch.destroy();
    await engine.close();
  }
  result.wallS = (performance.now() - t0) / 1000;
  const races = result.operatorActions + result.outsideWrites;
  return {
    row: {
      figure: `fault schedules: ${count} schedules (Canary, Linear, step lists; faults, operator actions, outside writes, alarms) in virtual time, then malformed requests`,
      measured:
        `${result.schedules} schedules, ${result.faults} faults injected, ${races} races (${result.operatorActions} operator actions, ${result.outsideWrites} outside writes, ${result.lateOutsideWrites} of them after the last move), ` +
        `${result.badInputs} bad inputs, ${result.violations.length} violations; ${result.wallS.toFixed(0)} s`,
      goal: '0 violations of the terminal invariant; every bad input refused naming its field, nothing changed',
      met: result.violations.length === 0,
    },
    result,
  };
}

if (import.meta.filename === process.argv[1]) {
  const { row, result } = await faultSchedules(Number(process.argv[2] ?? 200), Number(process.argv[3] ?? 1));
  process.stdout.write(`${JSON.stringify(row)}\n${JSON.stringify(result.outcomes)}\n`);
  process.exit(0);
}
