/**
 * The esbuild command `sam build` runs for a function with `BuildMethod: esbuild`, rebuilt from its
 * `Metadata.BuildProperties` the way SAM CLI and aws-lambda-builders do it, so a test can run it
 * without SAM: SAM CLI turns PascalCase keys into snake_case (`resource_metadata_normalizer.py`);
 * aws-lambda-builders (`nodejs_npm_esbuild/esbuild.py`) passes the entry points, adds
 * `--bundle --platform=node --outdir=…` (and `--target=es2020`, `--format=cjs`, `--minify` when
 * absent), then one flag per property: `true` → `--key`, a string → `--key=value`, a list →
 * `--key:item` per item; `bundle`, `platform` and `outdir` are not configurable. With
 * `build_in_source` (samconfig.toml) and no package.json in CodeUri it runs in the CodeUri folder
 * itself and takes esbuild from `npm root`/.bin, i.e. this project's node_modules.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../build.ts';
import type { Dict } from './template.ts';

const NOT_CONFIGURABLE = new Set(['bundle', 'platform', 'outdir']);
const IGNORED = new Set(['use_npm_ci', 'entry_points']);

const snake = (key: string) => key.replace(/(?<!^)(?=[A-Z])/g, '_').toLowerCase();
const kebab = (key: string) => key.replace(/_/g, '-');

export function samEsbuildArgs(buildProperties: Dict, outdir: string): string[] {
  const config = Object.fromEntries(Object.entries(buildProperties).map(([k, v]) => [snake(k), v]));
  const entries = Array.isArray(config.entry_points) ? config.entry_points.map(String) : [];
  const args = [...entries, '--bundle', '--platform=node', `--outdir=${outdir}`];
  if (!('target' in config)) args.push('--target=es2020');
  if (!('format' in config)) args.push('--format=cjs');
  if (!('minify' in config)) args.push('--minify');
  for (const [key, value] of Object.entries(config)) {
    if (NOT_CONFIGURABLE.has(key) || IGNORED.has(key)) continue;
    const flag = `--${kebab(key)}`;
    if (typeof value === 'boolean') {
      if (value) args.push(flag);
    } else if (typeof value === 'string') args.push(`${flag}=${value}`);
    else if (Array.isArray(value)) for (const item of value) args.push(`${flag}:${String(item)}`);
    else throw new Error(`sam build cannot pass BuildProperties.${key} (${JSON.stringify(value)}) to esbuild`);
  }
  return args;
}

/** Runs that command in `codeDir` with the project's esbuild, as `sam build --build-in-source` would. */
export function runSamEsbuild(codeDir: string, buildProperties: Dict, outdir: string): { status: number | null; output: string } {
  const esbuild = join(PROJECT_ROOT, 'node_modules', '.bin', 'esbuild');
  const run = spawnSync(esbuild, samEsbuildArgs(buildProperties, outdir), { cwd: codeDir, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}
