#!/usr/bin/env node
// The `glidepath` command. In a clone it runs the TypeScript sources through tsx (no build step);
// the installed package ships no sources but the bundle `npm pack` builds (infra/package-cli.ts).
import { existsSync } from 'node:fs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
let main;
if (existsSync(new URL('./main.ts', import.meta.url))) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('./main.ts'));
} else {
  await import('../dist/polyfill.mjs');
  ({ main } = await import('../dist/glidepath.mjs'));
}
process.exitCode = await main(process.argv);
