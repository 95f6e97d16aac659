/** `--serverless serverless.yml --function <key>` (plan and deploy): the request the file gives, --strategy replacing its type. */
import { readServerless } from '../shared/core/readers/serverless.ts';
import { usageError, type CliIO } from './context.ts';
import { readFlagFile } from './options.ts';

export function serverlessSource(io: CliIO, file: string, fn: string | undefined, strategy: unknown): { request: Record<string, unknown>; warnings: string[] } {
  if (fn === undefined) throw usageError('--function', 'is required with --serverless (the function\'s key under functions)');
  const read = readServerless(readFlagFile(io, '--serverless', file), fn);
  return { request: { ...read.request, ...(strategy === undefined ? {} : { strategy }) }, warnings: read.warnings };
}
