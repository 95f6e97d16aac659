/**
 * The demo's functions as Lambda would receive them: a real zip (fflate) holding `index.mjs`,
 * created and updated through the Lambda API of the local engine with the SDK.
 */
import { readFileSync } from 'node:fs';
import { zipSync, strToU8 } from 'fflate';

const SAMPLES = new URL('./samples/', import.meta.url);
const RELEASE_LINE = /^const RELEASE = .*;$/m;

export interface Release {
  name: string;
  /** Fails every real order (health checks still pass). */
  faulty: boolean;
  /** Fails one order in five: no alarm was set up for it, the analysis catches it. */
  flaky?: boolean;
}

export function sampleSource(file: 'orders.mjs' | 'smoke-hook.mjs'): string {
  return readFileSync(new URL(file, SAMPLES), 'utf8');
}

/** The orders function of one release: the sample with its RELEASE line set. */
export function ordersSource(release: Release): string {
  const source = sampleSource('orders.mjs');
  if (!RELEASE_LINE.test(source)) throw new Error('samples/orders.mjs: the `const RELEASE = …;` line is missing');
  return source.replace(RELEASE_LINE, `const RELEASE = ${JSON.stringify(release)};`);
}

/** A deployment package: a zip with the handler as `index.mjs` (Handler `index.handler`). */
export function zipHandler(source: string): Uint8Array {
  return zipSync({ 'index.mjs': strToU8(source) }, { level: 6, mtime: new Date('2025-01-01T00:00:00Z') });
}
