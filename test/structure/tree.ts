/**
 * The structure checks' helpers: run dependency-cruiser (.dependency-cruiser.cjs) and knip (knip.jsonc)
 * on a tree and read their JSON reports, copy the repository to a temporary folder to break it on
 * purpose, and the temporary allow-list of violations known when the checks arrived.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** One import a rule forbids: `to` is the module's path, or the npm package's name. */
export interface ImportViolation {
  rule: string;
  from: string;
  to: string;
}

/** One finding of knip: its kind (files, exports, types, dependencies, …), the file, the name. */
export interface UnusedFinding {
  kind: string;
  file: string;
  name: string;
}

function run(cwd: string, script: string, args: string[]): string {
  const out = spawnSync(process.execPath, [join(ROOT, 'node_modules', script), ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (out.error) throw out.error;
  if (!out.stdout.trim()) throw new Error(`${script} printed no report (exit ${out.status}): ${out.stderr}`);
  return out.stdout;
}

const packageName = (path: string): string => {
  const parts = path.slice('node_modules/'.length).split('/');
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
};

/** dependency-cruiser over the project's folders: its violations and how many modules it read. */
export function cruise(root: string): { violations: ImportViolation[]; cruised: number } {
  const report = JSON.parse(
    run(root, 'dependency-cruiser/bin/dependency-cruise.mjs', ['--config', '.dependency-cruiser.cjs', '--output-type', 'json', 'functions', 'shared', 'cli', 'infra', 'test']),
  ) as { summary: { totalCruised: number; violations: { from: string; to: string; rule: { name: string } }[] } };
  const violations = report.summary.violations.map((v) => ({
    rule: v.rule.name,
    from: v.from,
    to: v.to.startsWith('node_modules/') ? packageName(v.to) : v.to,
  }));
  return { violations, cruised: report.summary.totalCruised };
}

/** knip with the project's configuration: every finding. */
export function knip(root: string): UnusedFinding[] {
  const report = JSON.parse(run(root, 'knip/bin/knip.js', ['--reporter', 'json', '--no-progress'])) as {
    issues: ({ file: string } & Record<string, unknown>)[];
  };
  const findings: UnusedFinding[] = [];
  for (const issue of report.issues) {
    for (const [kind, items] of Object.entries(issue)) {
      if (!Array.isArray(items)) continue;
      for (const item of items as unknown[]) {
        const named = (Array.isArray(item) ? item : [item]) as { name: string }[];
        findings.push({ kind, file: issue.file, name: named.map((n) => n.name).join('|') });
      }
    }
  }
  return findings;
}

/** The repository's files (tracked, and new ones not ignored) copied to a temporary folder, node_modules linked. */
export function copyTree(): { root: string; edit: (file: string, change: (text: string) => string) => void; remove: () => void } {
  const listed = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  const root = mkdtempSync(join(tmpdir(), 'glidepath-structure-'));
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    if (!existsSync(join(ROOT, file))) continue; // deleted, not yet staged
    mkdirSync(dirname(join(root, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(root, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  return {
    root,
    edit: (file, change) => {
      const path = join(root, file);
      writeFileSync(path, change(existsSync(path) ? readFileSync(path, 'utf8') : ''));
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * TEMPORARY (known-violations.json): violations that were in the tree when these checks arrived, in
 * code being rewritten. Each entry goes when its violation does; the file goes when it is empty.
 */
interface KnownFile {
  imports: Record<string, Record<string, string[]>>;
  unused: Record<string, Record<string, string[]>>;
}

const known = JSON.parse(readFileSync(join(ROOT, 'test/structure/known-violations.json'), 'utf8')) as KnownFile;

export const knownImports: ImportViolation[] = Object.entries(known.imports).flatMap(([rule, froms]) =>
  Object.entries(froms).flatMap(([from, tos]) => tos.map((to) => ({ rule, from, to }))),
);

export const knownUnused: UnusedFinding[] = Object.entries(known.unused).flatMap(([kind, files]) =>
  Object.entries(files).flatMap(([file, names]) => names.map((name) => ({ kind, file, name }))),
);

const key = (x: object): string => JSON.stringify(Object.values(x));

/** What `found` has that `baseline` has not, and what `baseline` has that `found` has not. */
export function difference<T extends object>(found: T[], baseline: T[]): { added: T[]; gone: T[] } {
  const inFound = new Set(found.map(key));
  const inBaseline = new Set(baseline.map(key));
  return { added: found.filter((x) => !inBaseline.has(key(x))), gone: baseline.filter((x) => !inFound.has(key(x))) };
}
