/**
 * The import rules of the layers (docs/architecture.md, "Layers"): imports go down only, entry
 * points -> tasks -> core, adapters -> core. `npm run check:imports` runs them; so does
 * test/structure/imports.test.ts, inside `npm test`.
 *
 * Paths are relative to the repository root; npm packages resolve under node_modules/, Node's own
 * modules to their `node:` name.
 */

/** What the pure core may import besides itself: parsing and validation, hashing, deep equality, statistical distributions. */
const CORE_MAY_IMPORT = [
  '^shared/core/',
  '^node_modules/(zod|yaml|yaml-cfn|jstat)/',
  '^(node:)?(crypto|util)$',
];

/** The composition roots and the infrastructure code: the only places besides the adapters that build SDK clients. */
const SDK_ALLOWED_IN = ['^shared/aws/', '^functions/_lib/', '^cli/clients\\.ts$', '^infra/'];

/** The CLI commands that run the local engine (and the demo module they load) may import it. */
const ENGINE_USERS = ['^cli/commands/(local|demo)\\.ts$', '^cli/demo/'];

/** What Lambda and the command line load: every production module is reachable from one of these. */
const HANDLERS = ['^functions/[^_/][^/]*/index\\.ts$', '^functions/hooks/[^/]+/index\\.ts$'];
const PRODUCTION_ENTRIES = [...HANDLERS, '^cli/bin\\.mjs$', '^infra/build\\.ts$', '^infra/package-cli\\.ts$'];

module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'shared/core/ is pure: it imports only itself, zod, yaml, yaml-cfn, jstat and node:crypto/node:util (no SDK, no middy or Powertools, no I/O).',
      severity: 'error',
      from: { path: '^shared/core/' },
      to: { pathNot: CORE_MAY_IMPORT },
    },
    {
      name: 'tasks-use-core-and-ports',
      comment: 'shared/tasks/ are use cases over ports: they import only shared/core/ (where the port interfaces live) and shared/tasks/.',
      severity: 'error',
      from: { path: '^shared/tasks/' },
      to: { pathNot: ['^shared/(core|tasks)/'] },
    },
    {
      name: 'adapters-use-core-and-sdk',
      comment: 'shared/aws/ implements the ports on the AWS SDK: it imports only shared/core/, shared/aws/ and @aws-sdk/*.',
      severity: 'error',
      from: { path: '^shared/aws/' },
      to: { pathNot: ['^shared/(core|aws)/', '^node_modules/@aws-sdk/'] },
    },
    {
      name: 'sdk-only-at-the-edge',
      comment: 'No @aws-sdk/* import outside shared/aws/, the composition roots (functions/_lib/, cli/clients.ts) and infra/.',
      severity: 'error',
      // cli/demo/samples/ are the user's functions the demo deploys, not Glidepath's code.
      from: { path: '^(functions|shared|cli)/', pathNot: [...SDK_ALLOWED_IN, '^cli/demo/samples/'] },
      to: { path: '^node_modules/@aws-sdk/' },
    },
    {
      name: 'handlers-are-thin',
      comment: 'A function\'s index.ts parses, calls one task and returns: it imports only functions/_lib/, shared/tasks/ and shared/core/.',
      severity: 'error',
      from: { path: HANDLERS },
      to: { pathNot: ['^functions/_lib/', '^shared/(tasks|core)/'] },
    },
    {
      name: 'production-does-not-import-tests',
      comment: 'Nothing in functions/, shared/ or cli/ imports test code.',
      severity: 'error',
      from: { path: '^(functions|shared|cli)/' },
      to: { path: '^test/' },
    },
    {
      name: 'production-does-not-know-the-engine',
      comment: 'functions/, shared/ and cli/ do not import the local engine (the engine implements the AWS APIs instead); only the CLI\'s local and demo commands start it.',
      severity: 'error',
      from: { path: '^(functions|shared|cli)/', pathNot: ENGINE_USERS },
      to: { path: '^infra/local/' },
    },
    {
      name: 'no-test-only-code-in-production',
      comment: 'Every module of functions/, shared/ and cli/ is reachable from a handler or the CLI: code only tests use belongs under test/. (infra/checks/ is the template check the tests run; the samples and native-import.cjs are loaded by path.)',
      severity: 'error',
      from: { path: PRODUCTION_ENTRIES },
      to: {
        path: '^(functions|shared|cli|infra)/',
        pathNot: [...PRODUCTION_ENTRIES, '^infra/checks/', '^cli/demo/samples/', '^infra/local/endpoint/lambda/native-import\\.cjs$', '\\.d\\.ts$'],
        reachable: false,
      },
    },
    {
      name: 'no-circular',
      comment: 'No module depends on itself through others.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    // TypeScript 7 has no JS API for dependency-cruiser to parse with; swc parses TypeScript.
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: '^node_modules' },
    // Keep node_modules/ in the resolved paths when it is a link (the structure tests cruise copies of the tree).
    preserveSymlinks: true,
    exclude: { path: '^test/fixtures/' },
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.mjs', '.js', '.cjs', '.json', '.d.ts'],
    },
  },
};
