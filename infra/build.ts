/**
 * `npm run build`: bundles every Lambda handler (`functions/**\/index.ts`) into `build/<name>/index.mjs`
 * with esbuild, the AWS SDK included, and prints a size table.
 *
 * Output is ESM (`.mjs`): the handlers and @middy/core 7 are ESM, the `.mjs` extension is read as ESM
 * both by Lambda's Node runtime and by `node` inside this `"type": "module"` repository, and top-level
 * await and `import.meta` keep working. CommonJS dependencies bundled into ESM still call `require`
 * for Node built-ins, hence the `createRequire` banner (TOOLCHAIN.md).
 *
 * `sam build` does not run this file: it runs esbuild itself from each function's `Metadata` in
 * template.yaml. `SAM_BUILD_PROPERTIES` below is that Metadata, and the template check asserts the
 * two agree, so `npm run build` measures what `sam build` ships.
 *
 * Flags: `--cold-load` also imports each bundle in a fresh `node` and reports the time;
 * any other argument selects handlers by name (`npm run build -- prepare hooks/warm-up`).
 */
import { build, type Metafile } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { zipSync } from 'fflate';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const FUNCTIONS_DIR = 'functions';
export const BUILD_DIR = 'build';
export const HANDLER_FILE = 'index.ts';
export const BUNDLE_FILE = 'index.mjs';

export const ESM_BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** The esbuild options both builds share (this file's API call and `sam build`'s command line). */
export const BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  sourcemap: true,
  // Prefer the ESM builds of dependencies (the SDK ships both): smaller after tree shaking.
  mainFields: ['module', 'main'],
  banner: { js: ESM_BANNER },
  outExtension: { '.js': '.mjs' },
} as const;

/**
 * The same options as SAM's `Metadata.BuildProperties` (aws-lambda-builders turns each key into an
 * esbuild flag: `OutExtension: ['.js=.mjs']` → `--out-extension:.js=.mjs`). `bundle` and `platform`
 * are set by SAM itself and cannot be configured.
 */
export const SAM_BUILD_PROPERTIES = {
  EntryPoints: [HANDLER_FILE],
  Format: BUNDLE_OPTIONS.format,
  Target: BUNDLE_OPTIONS.target,
  Minify: BUNDLE_OPTIONS.minify,
  Sourcemap: BUNDLE_OPTIONS.sourcemap,
  MainFields: BUNDLE_OPTIONS.mainFields.join(','),
  OutExtension: ['.js=.mjs'],
  Banner: [`js=${ESM_BANNER}`],
} as const;

export interface HandlerEntry {
  /** Path below `functions/` with `/` separators: `prepare`, `hooks/warm-up`. */
  name: string;
  /** Absolute path of the handler's `index.ts`. */
  entry: string;
  /** The folder a template's `CodeUri` names, relative to the project root: `functions/prepare/`. */
  codeUri: string;
}

/**
 * Every handler folder below `functions/`: a folder with an `index.ts`. A folder inside a handler
 * folder belongs to that handler (its own `index.ts` is a module, not a second handler), and a
 * folder whose name starts with `_` or `.` (`functions/_lib/`) holds shared code, not a handler.
 */
export function listHandlers(root: string = PROJECT_ROOT): HandlerEntry[] {
  const base = join(root, FUNCTIONS_DIR);
  const found: HandlerEntry[] = [];
  const walk = (dir: string): void => {
    const entry = join(dir, HANDLER_FILE);
    if (dir !== base && existsSync(entry) && statSync(entry).isFile()) {
      const name = relative(base, dir).split(sep).join('/');
      found.push({ name, entry, codeUri: `${FUNCTIONS_DIR}/${name}/` });
      return;
    }
    for (const child of readdirSync(dir, { withFileTypes: true })) {
      // `_lib/`-style folders hold code shared by handlers, not handlers.
      if (child.isDirectory() && child.name !== 'node_modules' && !/^[._]/.test(child.name)) walk(join(dir, child.name));
    }
  };
  if (existsSync(base)) walk(base);
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

export interface BundleResult {
  name: string;
  outfile: string;
  bytes: number;
  mapBytes: number;
  /** Size of the deployment package (the bundle alone, zipped as Lambda receives it). */
  zipBytes: number;
  buildMs: number;
  /** `node -e "import(bundle)"`, node's start included, with `--cold-load`. */
  coldLoadMs?: number;
}

export interface BuildOptions {
  root?: string;
  outDir?: string;
  /** Only these handler names. */
  only?: string[];
  coldLoad?: boolean;
}

export async function buildHandlers(options: BuildOptions = {}): Promise<BundleResult[]> {
  const root = resolve(options.root ?? PROJECT_ROOT);
  const outDir = resolve(root, options.outDir ?? BUILD_DIR);
  let handlers = listHandlers(root);
  if (options.only?.length) {
    const unknown = options.only.filter((n) => !handlers.some((h) => h.name === n));
    if (unknown.length) throw new Error(`build: no handler named ${unknown.join(', ')} (have: ${handlers.map((h) => h.name).join(', ')})`);
    handlers = handlers.filter((h) => options.only!.includes(h.name));
  }
  // One at a time: each row's build time is then that handler's own (2 cores, no gain in parallel).
  const results: BundleResult[] = [];
  for (const handler of handlers) results.push(await bundleOne(handler, root, outDir));
  if (options.coldLoad) for (const result of results) result.coldLoadMs = measureImport(result.outfile);
  return results;
}

async function bundleOne(handler: HandlerEntry, root: string, outDir: string): Promise<BundleResult> {
  const dir = join(outDir, handler.name);
  rmSync(dir, { recursive: true, force: true });
  const started = performance.now();
  const outcome = await build({
    ...BUNDLE_OPTIONS,
    mainFields: [...BUNDLE_OPTIONS.mainFields],
    entryPoints: [handler.entry],
    outdir: dir,
    absWorkingDir: root,
    metafile: true,
    logLevel: 'warning',
  });
  const buildMs = performance.now() - started;
  const outfile = join(dir, BUNDLE_FILE);
  assertExportsHandler(outcome.metafile, outfile, root, handler.name);
  const code = readFileSync(outfile);
  return {
    name: handler.name,
    outfile,
    bytes: code.byteLength,
    mapBytes: statSync(`${outfile}.map`).size,
    zipBytes: zipSync({ [BUNDLE_FILE]: code }, { level: 9 }).byteLength,
    buildMs,
  };
}

function assertExportsHandler(metafile: Metafile, outfile: string, root: string, name: string): void {
  const key = relative(root, outfile).split(sep).join('/');
  const output = metafile.outputs[key];
  if (!output) throw new Error(`build: esbuild did not write ${key} for ${name}`);
  if (!output.exports.includes('handler')) {
    throw new Error(`build: functions/${name}/${HANDLER_FILE} must export \`handler\` (exports: ${output.exports.join(', ') || 'none'})`);
  }
}

/** Wall milliseconds of `node -e <script>` in a fresh process, best of 3. */
function timeNode(script: string): number {
  const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_REGION: process.env.AWS_REGION ?? 'us-east-1' };
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const run = spawnSync(process.execPath, ['-e', script], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = performance.now() - t0;
    if (run.status !== 0) throw new Error(`build: node -e ${script} failed: ${run.stderr.toString().trim()}`);
    best = Math.min(best, ms);
  }
  return best;
}

/** What the benchmark measures: `node -e "import(bundle)"` in a fresh process, node's own start included (best of 3). */
export function measureImport(file: string): number {
  const url = pathToFileURL(file).href;
  return timeNode(`import(${JSON.stringify(url)}).then((m) => { if (typeof m.handler !== 'function') process.exit(3); })`);
}

/** A bare `node -e 0` (best of 3), to read the cold loads against. */
export function measureNodeStart(): number {
  return timeNode('0');
}

/** Milliseconds to import the bundle over a bare `node -e 0`. */
export function measureColdLoad(file: string): number {
  return Math.max(0, measureImport(file) - measureNodeStart());
}

export function formatSizeTable(results: BundleResult[]): string {
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const withCold = results.some((r) => r.coldLoadMs !== undefined);
  const head = ['handler', 'bundle', 'zipped', 'source map', 'build', ...(withCold ? ['cold load'] : [])];
  const rows = results.map((r) => [
    r.name,
    kib(r.bytes),
    kib(r.zipBytes),
    kib(r.mapBytes),
    `${Math.round(r.buildMs)} ms`,
    ...(withCold ? [r.coldLoadMs === undefined ? '' : `${Math.round(r.coldLoadMs)} ms`] : []),
  ]);
  const total = results.reduce((sum, r) => sum + r.bytes, 0);
  const zipped = results.reduce((sum, r) => sum + r.zipBytes, 0);
  rows.push([`${results.length} handler${results.length === 1 ? '' : 's'}`, kib(total), kib(zipped), '', '', ...(withCold ? [''] : [])]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const coldLoad = argv.includes('--cold-load');
  const only = argv.filter((a) => !a.startsWith('--'));
  const results = await buildHandlers({ only, coldLoad });
  if (results.length === 0) {
    console.error(`build: no handler found (expected ${FUNCTIONS_DIR}/<name>/${HANDLER_FILE})`);
    return 1;
  }
  console.log(formatSizeTable(results));
  if (coldLoad) console.log(`\ncold load: node -e "import(bundle)", best of 3; a bare node -e 0 takes ${Math.round(measureNodeStart())} ms`);
  console.log(`\nwritten to ${relative(process.cwd(), join(PROJECT_ROOT, BUILD_DIR)) || '.'}/<handler>/${BUNDLE_FILE}`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
