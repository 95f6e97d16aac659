/** Durations as requests give them: a number of seconds, or `"90s"`, `"5m"`, `"1h"`, `"1h30m"`. */
import { z } from 'zod';
import { MAX_EXECUTION_SECONDS } from '../strategies/limits.ts';

/** `"90s"`, `"5m"`, `"1h"`, `"1h30m"`, or a number of seconds. */
export const DURATION_PATTERN = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** A duration (as durationSchema) of at most `max` seconds (`said` in words). */
export function boundedDuration(max: number, said: string) {
  const rule = `must be at most ${said} (${max} seconds)`;
  return z.union([
    z.number().int('must be a whole number of seconds').nonnegative('must not be negative').max(max, rule),
    z
      .string()
      .regex(DURATION_PATTERN, 'must be a duration such as "90s", "5m", "1h" or a number of seconds')
      .refine((s) => s.length > 0, 'must not be empty')
      .refine((s) => !DURATION_PATTERN.test(s) || durationToSeconds(s) <= max, rule),
  ]);
}

/** A duration in seconds, given as a number or as `"90s"`, `"5m"`, `"1h"`, `"1h30m"`: at most a year, the longest a Step Functions execution runs. */
export const durationSchema = boundedDuration(MAX_EXECUTION_SECONDS, 'one year');

export function durationToSeconds(value: number | string): number {
  if (typeof value === 'number') return value;
  const match = DURATION_PATTERN.exec(value);
  if (!match || value.length === 0) throw new Error(`not a duration: ${value}`);
  const [, h = '0', m = '0', s = '0'] = match;
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}

