/**
 * Function code: a deployment package (zip) as the service receives it, checked and hashed like
 * Lambda does (CodeSha256 = base64 SHA-256 of the zip), and unpacked into a folder per sandbox so
 * the handler can be imported. The folders live under the project (`.glidepath/local/…`) so that
 * bare imports such as `@aws-sdk/client-cloudwatch` resolve from the project's node_modules, as
 * they resolve from the Node.js runtime's bundled SDK on AWS.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import { unzipSync } from 'fflate';
import { invalidParameter } from './names.ts';

export interface CodeRecord {
  sha256: string;
  size: number;
  /** The zip as uploaded (ZipFile, or fetched from S3 by the engine's resolver). */
  zip?: Uint8Array;
  s3?: { bucket: string; key: string; objectVersion?: string };
  imageUri?: string;
}

export function sha256Base64(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('base64');
}

/** Unzips or rejects as Lambda does for a package it cannot open. */
export function unzipPackage(zip: Uint8Array): Record<string, Uint8Array> {
  try {
    return unzipSync(zip);
  } catch {
    throw invalidParameter('Could not unzip uploaded file. Please check your file, then try to upload again.');
  }
}

export function zipCode(zip: Uint8Array): CodeRecord {
  unzipPackage(zip);
  return { sha256: sha256Base64(zip), size: zip.length, zip };
}

/**
 * Code recorded by location only (S3 without a resolver, or a container image): it cannot run
 * locally. Its CodeSha256 is the hash of the location, so a new location reads as new code.
 */
export function locationCode(location: Pick<CodeRecord, 's3' | 'imageUri'>): CodeRecord {
  const text = location.imageUri ?? `s3://${location.s3!.bucket}/${location.s3!.key}#${location.s3!.objectVersion ?? ''}`;
  return { ...location, sha256: sha256Base64(text), size: 0 };
}

/**
 * Writes the package's files into `dir` (once). Without a package.json of its own, one saying
 * CommonJS is added, so `index.js` means what it means on the Lambda Node.js runtime.
 */
const materialized = new Set<string>();

export function materialize(zip: Uint8Array, dir: string): void {
  if (materialized.has(dir)) return;
  if (existsSync(join(dir, '.materialized'))) {
    materialized.add(dir);
    return;
  }
  const root = normalize(dir + sep);
  const files = unzipPackage(zip);
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) {
    if (name.endsWith('/')) continue;
    const target = normalize(join(dir, name));
    if (!target.startsWith(root)) continue; // a zip entry must not escape its folder
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, bytes);
  }
  if (!('package.json' in files)) writeFileSync(join(dir, 'package.json'), '{"type":"commonjs"}\n');
  writeFileSync(join(dir, '.materialized'), '');
  materialized.add(dir);
}
