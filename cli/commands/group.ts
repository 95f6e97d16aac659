/**
 * `glidepath group put --file group.yaml | get <name> | list | delete <name>`: deployment groups
 * — the stored templates of a deployment request that S3 and ECR pushes deploy.
 * A group file is YAML or JSON, validated like a request: the first field that breaks a rule is
 * named with the rule (exit code 2).
 */
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { deleteGroup, getGroupItem, listGroupItems, putGroup } from '../../shared/aws/group-store.ts';
import type { Store } from '../../shared/aws/deployment-store.ts';
import { parseGroup } from '../../shared/core/groups.ts';
import type { DeploymentGroup, GroupItem } from '../../shared/core/model/group.ts';
import { describeWindow } from '../../shared/core/windows.ts';
import { usageError, type CliContext, type CliIO } from '../context.ts';
import { CliFailure, EXIT_CODES, explainUnreachable, failWith } from '../exit-codes.ts';
import { addOutputOption, outputMode, readFlagFile, wantsJson, type CommonFlags } from '../options.ts';
import { addTargetOptions, requireTable, resolveTarget, type Target, type TargetOptions } from '../target.ts';

interface GroupOptions extends TargetOptions, CommonFlags {
  file?: string;
}

function readGroupFile(io: CliIO, file: string): unknown {
  const text = readFlagFile(io, '--file', file);
  try {
    return parseYaml(text) as unknown;
  } catch (error) {
    throw usageError('--file', `${file} is not YAML or JSON (${(error as Error).message.split('\n')[0]})`);
  }
}

function strategyName(strategy: DeploymentGroup['strategy']): string {
  if (typeof strategy === 'string') return strategy;
  if ('steps' in strategy) return `${strategy.steps.length} custom steps`;
  if (strategy.type === 'AllAtOnce') return 'AllAtOnce';
  return `${strategy.type} ${strategy.percentage}% / ${strategy.intervalMinutes} min`;
}

export function describeSources(group: DeploymentGroup): string[] {
  const s3 = (group.sources?.s3 ?? []).map((s) => `s3://${s.bucket}/${s.prefix ?? ''}*${s.suffix ?? ''}`);
  const ecr = (group.sources?.ecr ?? []).map((s) => `ecr ${s.repository}:${s.tagPattern ?? '*'}`);
  return [...s3, ...ecr];
}

export function describeGroup(group: DeploymentGroup): string {
  const lines = [
    `group ${group.name}: ${group.function}:${group.alias}, ${strategyName(group.strategy)}`,
    `  sources: ${describeSources(group).join(', ') || 'none (deployed only when asked)'}`,
  ];
  if (group.windows?.length) lines.push(`  windows: ${group.windows.map(describeWindow).join('; ')} (traffic increases only inside them)`);
  if (group.alarms?.length) lines.push(`  alarms: ${group.alarms.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

function listTable(items: GroupItem[]): string {
  if (items.length === 0) return 'no deployment groups: add one with `glidepath group put --file group.yaml`\n';
  const rows = items.map(({ group }) => [group.name, `${group.function}:${group.alias}`, strategyName(group.strategy), describeSources(group).join(', ') || '-']);
  const head = ['NAME', 'TARGET', 'STRATEGY', 'SOURCES'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return `${[line(head), ...rows.map(line)].join('\n')}\n`;
}

async function withStore<T>(options: GroupOptions, io: CliIO, run: (store: Store, target: Target) => Promise<T>): Promise<T> {
  const target = await resolveTarget(options, io);
  try {
    const store = { ddb: target.clients.ddb, tableName: requireTable(target) };
    return await run(store, target).catch((error: unknown) => {
      throw explainUnreachable(error, target.description);
    });
  } finally {
    await target.close();
  }
}

export function register(program: Command, ctx: CliContext): void {
  const group = program.command('group').description('deployment groups: what S3 and ECR pushes deploy (put, get, list, delete)');
  const io = ctx.io;
  const run = (options: GroupOptions, body: () => Promise<void>) =>
    body().catch((error: unknown) => {
      ctx.exitCode = failWith(io, error, wantsJson(options));
    });

  const put = group
    .command('put')
    .description('create or replace a deployment group from a YAML or JSON file')
    .requiredOption('--file <file>', 'the group: name, function, alias, strategy, hooks, alarms, alarmPolicy, windows, sources');
  addOutputOption(addTargetOptions(put)).action((options: GroupOptions) =>
    run(options, async () => {
      const mode = outputMode(options);
      const parsed = parseGroup(readGroupFile(io, options.file!));
      const { item, replaced } = await withStore(options, io, async (store, target) => putGroup(store, parsed, new Date(await target.now()).toISOString()));
      if (mode === 'json') io.stdout.write(`${JSON.stringify({ ...item.group, createdAt: item.createdAt, updatedAt: item.updatedAt, replaced }, null, 2)}\n`);
      else io.stdout.write(`${replaced ? 'replaced' : 'created'} ${describeGroup(item.group)}`);
    }),
  );

  const get = group.command('get').description('print a deployment group').argument('<name>', 'group name');
  addOutputOption(addTargetOptions(get)).action((name: string, options: GroupOptions) =>
    run(options, async () => {
      const mode = outputMode(options);
      const item = await withStore(options, io, (store) => getGroupItem(store, name));
      if (!item) throw new CliFailure(EXIT_CODES.notFound, `no deployment group ${name}`, 'INVALID_REQUEST', { field: 'name' });
      io.stdout.write(mode === 'json' ? `${JSON.stringify(item.group, null, 2)}\n` : describeGroup(item.group));
    }),
  );

  const list = group.command('list').description('list the deployment groups');
  addOutputOption(addTargetOptions(list)).action((options: GroupOptions) =>
    run(options, async () => {
      const mode = outputMode(options);
      const items = await withStore(options, io, (store) => listGroupItems(store));
      io.stdout.write(mode === 'json' ? `${JSON.stringify(items.map((i) => i.group), null, 2)}\n` : listTable(items));
    }),
  );

  const del = group.command('delete').description('delete a deployment group (pushes stop deploying it)').argument('<name>', 'group name');
  addOutputOption(addTargetOptions(del)).action((name: string, options: GroupOptions) =>
    run(options, async () => {
      const mode = outputMode(options);
      const deleted = await withStore(options, io, (store) => deleteGroup(store, name));
      if (!deleted) throw new CliFailure(EXIT_CODES.notFound, `no deployment group ${name}`, 'INVALID_REQUEST', { field: 'name' });
      io.stdout.write(mode === 'json' ? `${JSON.stringify({ name, deleted: true })}\n` : `deleted group ${name}\n`);
    }),
  );
}
