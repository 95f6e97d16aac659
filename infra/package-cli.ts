/**
 * `npm pack`'s `prepack`: bundles the CLI, the local engine and every handler into `dist/` with
 * esbuild, so the installed package runs on plain `node` (no TypeScript loader, no dev
 * dependencies). cli/bin.mjs runs the sources in a clone and this bundle in the package.
 *
 * One esbuild call with code splitting: the CLI (`dist/glidepath.mjs`) and the handlers
 * (`dist/functions/<name>/index.mjs`, which the engine imports in process, see
 * infra/local/stack.ts) share their chunks, so the engine and the handlers it runs load one copy
 * of the shared code. Dependencies stay external: npm installs them from package.json's
 * `dependencies`.
 *
 * Every chunk lands in `dist/` itself, so the files read next to a module (`import.meta.url`) are
 * copied there: the demo's sample functions and the Lambda runner's native-import.cjs.
 */
import { build } from 'esbuild';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { listHandlers, PROJECT_ROOT } from './build.ts';

export const DIST_DIR = join(PROJECT_ROOT, 'dist');

export async function packageCli(outdir: string = DIST_DIR): Promise<void> {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [
      { in: 'cli/main.ts', out: 'glidepath' },
      { in: 'infra/local/polyfill.ts', out: 'polyfill' },
      ...listHandlers().map((handler) => ({ in: handler.entry, out: `functions/${handler.name}/index` })),
    ],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    chunkNames: 'chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    minify: false,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  cpSync(join(PROJECT_ROOT, 'cli', 'demo', 'samples'), join(outdir, 'samples'), { recursive: true });
  cpSync(join(PROJECT_ROOT, 'infra', 'local', 'endpoint', 'lambda', 'native-import.cjs'), join(outdir, 'native-import.cjs'));
}

if (process.argv[1] && import.meta.filename === process.argv[1]) await packageCli();
