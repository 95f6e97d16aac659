/**
 * `glidepath status <id> [--watch]` and `glidepath list [--function F --alias A]`: read
 * deployments from the Step Functions execution and the deployment record.
 */
import type { Command } from 'commander';
import { getDeployment, listDeployments } from '../../shared/aws/deployment-store.ts';
import { listExecutions } from '../../shared/aws/executions.ts';
import { deploymentIdFromExecution } from '../../shared/core/model/machine.ts';
import type { DeploymentRecord, DeploymentStatus } from '../../shared/core/model/record.ts';
import { usageError, type CliContext, type CliIO } from '../context.ts';
import { EXIT_CODES, exitCodeForStatus, explainUnreachable, failWith } from '../exit-codes.ts';
import { followUntilDone } from '../follow.ts';
import { addOutputOption, outputMode, parseDurationMs, parseIntervalMs, wantsJson, type CommonFlags } from '../options.ts';
import { readSnapshot } from '../snapshot.ts';
import { addTargetOptions, requireTable, resolveTarget, type Target, type TargetOptions } from '../target.ts';
import { displayFor } from '../view/display.ts';
import { colourStatus, renderSnapshot } from '../view/render.ts';
import { styleFor } from '../view/style.ts';

interface StatusOptions extends TargetOptions, CommonFlags {
  watch?: boolean;
  timeout?: string;
  interval?: string;
  events?: string;
}

interface ListOptions extends TargetOptions, CommonFlags {
  function?: string;
  alias?: string;
  status?: string;
  limit?: string;
}

const STATUSES: readonly DeploymentStatus[] = ['Created', 'InProgress', 'Paused', 'Succeeded', 'Failed', 'Stopped'];

export function register(program: Command, ctx: CliContext): void {
  const status = program
    .command('status')
    .description("show a deployment: status, weight, step, alarms, hooks, events; --watch follows it to its end")
    .argument('<id>', 'deployment id (gp-…)')
    .option('--watch', 'follow the deployment until it ends; the exit code then tells the outcome (as deploy --wait)')
    .option('--timeout <duration>', 'with --watch: stop after this long (exit code 6)')
    .option('--interval <ms>', 'with --watch: milliseconds between polls')
    .option('--events <n>', 'how many of the latest events to show (default 10)');
  addTargetOptions(status);
  addOutputOption(status);
  status.action(async (id: string, options: StatusOptions) => {
    ctx.exitCode = await showStatus(id, options, ctx.io);
  });

  const list = program
    .command('list')
    .description('list deployments, newest first (of one alias with --function and --alias)')
    .option('--function <name>', 'only deployments of this function')
    .option('--alias <name>', 'only deployments of this alias (with --function)')
    .option('--status <status>', `only deployments with this status (${STATUSES.join(', ')})`)
    .option('--limit <n>', 'at most this many (default 20)');
  addTargetOptions(list);
  addOutputOption(list);
  list.action(async (options: ListOptions) => {
    ctx.exitCode = await listCommand(options, ctx.io);
  });
}

async function showStatus(id: string, options: StatusOptions, io: CliIO): Promise<number> {
  const json = wantsJson(options);
  let target: Target | undefined;
  try {
    const mode = outputMode(options);
    const timeoutMs = parseDurationMs('--timeout', options.timeout);
    const intervalMs = parseIntervalMs(options.interval);
    const events = options.events === undefined ? 10 : Number(options.events);
    if (!Number.isInteger(events) || events < 0) throw usageError('--events', `must be a whole number, got ${options.events}`);
    target = await resolveTarget(options, io);
    if (!options.watch) {
      const snapshot = await readSnapshot(target, id).catch((error: unknown) => {
        throw explainUnreachable(error, target!.description);
      });
      if (mode === 'json') io.stdout.write(`${JSON.stringify(snapshot, null, 2)}\n`);
      else io.stdout.write(`${renderSnapshot(snapshot, styleFor(io), { events }).join('\n')}\n`);
      return EXIT_CODES.ok;
    }
    const followed = await followUntilDone(target, id, displayFor(io, mode), io, {
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(intervalMs === undefined ? {} : { intervalMs }),
    }).catch((error: unknown) => {
      throw explainUnreachable(error, target!.description);
    });
    if (followed.interrupted) return 130;
    return exitCodeForStatus(followed.snapshot.done ? followed.snapshot.status : 'InProgress');
  } catch (error) {
    return failWith(io, error, json);
  } finally {
    await target?.close();
  }
}

export interface ListedDeployment {
  id: string;
  functionName?: string;
  alias?: string;
  currentVersion?: string;
  targetVersion?: string;
  strategy?: string;
  status: DeploymentStatus;
  weight?: number;
  createdAt?: string;
  endedAt?: string;
  error?: { code: string; message: string };
}

function fromRecord(record: DeploymentRecord): ListedDeployment {
  return {
    id: record.id,
    functionName: record.functionName,
    alias: record.alias,
    currentVersion: record.currentVersion,
    targetVersion: record.targetVersion,
    strategy: record.plan?.strategy,
    status: record.status,
    weight: record.weight,
    createdAt: record.createdAt,
    ...(record.endedAt === undefined ? {} : { endedAt: record.endedAt }),
    ...(record.error === undefined ? {} : { error: { code: String(record.error.code), message: record.error.message } }),
  };
}

const EXECUTION_STATUS: Record<string, DeploymentStatus> = { RUNNING: 'InProgress', SUCCEEDED: 'Succeeded', FAILED: 'Failed', TIMED_OUT: 'Failed', ABORTED: 'Stopped' };

async function listFromExecutions(target: Target, limit: number, filter: ListOptions): Promise<ListedDeployment[]> {
  const store = { ddb: target.clients.ddb, tableName: requireTable(target) };
  const out: ListedDeployment[] = [];
  let nextToken: string | undefined;
  do {
    const page = await listExecutions(target.clients.sfn, target.stateMachineArn, nextToken);
    const rows = await Promise.all(
      page.items.map(async (execution) => {
        const id = deploymentIdFromExecution(execution.name ?? '');
        const record = await getDeployment(store, id);
        if (record) return fromRecord(record);
        const fallback: ListedDeployment = { id, status: EXECUTION_STATUS[execution.status ?? ''] ?? 'Failed' };
        if (execution.startDate) fallback.createdAt = new Date(execution.startDate).toISOString();
        return fallback;
      }),
    );
    for (const row of rows) {
      if (filter.function !== undefined && row.functionName !== filter.function) continue;
      if (filter.status !== undefined && row.status !== filter.status) continue;
      out.push(row);
      if (out.length >= limit) return out;
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

async function listOfAlias(target: Target, functionName: string, alias: string, limit: number, status?: string): Promise<ListedDeployment[]> {
  const store = { ddb: target.clients.ddb, tableName: requireTable(target) };
  const out: ListedDeployment[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await listDeployments(store, functionName, alias, { limit: 100, ...(startKey ? { startKey } : {}) });
    for (const record of page.deployments) {
      if (status !== undefined && record.status !== status) continue;
      out.push(fromRecord(record));
      if (out.length >= limit) return out;
    }
    startKey = page.nextKey;
  } while (startKey);
  return out;
}

export function renderList(rows: ListedDeployment[], io: CliIO): string {
  if (rows.length === 0) return 'No deployments.\n';
  const style = styleFor(io);
  const table = rows.map((r) => ({
    id: r.id,
    target: r.functionName ? `${r.functionName}:${r.alias ?? '?'}` : '?',
    versions: r.targetVersion ? `${r.currentVersion ?? '?'} → ${r.targetVersion}` : '?',
    strategy: r.strategy ?? '?',
    status: r.status,
    weight: r.weight === undefined ? '' : `${r.weight}%`,
    started: r.createdAt ? r.createdAt.replace('T', ' ').slice(0, 19) : '',
  }));
  const header = { id: 'ID', target: 'TARGET', versions: 'VERSIONS', strategy: 'STRATEGY', status: 'STATUS', weight: 'WEIGHT', started: 'STARTED' };
  const keys = Object.keys(header) as (keyof typeof header)[];
  const widths = Object.fromEntries(keys.map((k) => [k, Math.max(header[k].length, ...table.map((row) => row[k].length))])) as Record<keyof typeof header, number>;
  const line = (row: typeof header, colour = false) =>
    keys
      .map((k) => {
        const cell = row[k].padEnd(widths[k]);
        return colour && k === 'status' ? cell.replace(row.status, colourStatus(row.status, style)) : cell;
      })
      .join('  ')
      .trimEnd();
  return `${[style.dim(line(header)), ...table.map((row) => line(row, true))].join('\n')}\n`;
}

async function listCommand(options: ListOptions, io: CliIO): Promise<number> {
  const json = wantsJson(options);
  let target: Target | undefined;
  try {
    const mode = outputMode(options);
    const limit = options.limit === undefined ? 20 : Number(options.limit);
    if (!Number.isInteger(limit) || limit < 1) throw usageError('--limit', `must be a whole number of at least 1, got ${options.limit}`);
    if (options.status !== undefined && !STATUSES.includes(options.status as DeploymentStatus)) {
      throw usageError('--status', `must be one of ${STATUSES.join(', ')}, got ${options.status}`);
    }
    if (options.alias !== undefined && options.function === undefined) throw usageError('--function', 'is required with --alias');
    target = await resolveTarget(options, io);
    const t = target;
    const rows = await (options.alias !== undefined
      ? listOfAlias(t, options.function!, options.alias, limit, options.status)
      : listFromExecutions(t, limit, options)
    ).catch((error: unknown) => {
      throw explainUnreachable(error, t.description);
    });
    io.stdout.write(mode === 'json' ? `${JSON.stringify({ deployments: rows }, null, 2)}\n` : renderList(rows, io));
    return EXIT_CODES.ok;
  } catch (error) {
    return failWith(io, error, json);
  } finally {
    await target?.close();
  }
}
