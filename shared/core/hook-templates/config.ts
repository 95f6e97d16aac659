/**
 * Reading a hook template's settings from its environment. Every rejection names the variable
 * and the rule, e.g. `GLIDEPATH_PROBE_COUNT: must be an integer from 1 to 1000, got "0"`.
 */
import { ValidationError } from '../errors.ts';

export type Env = Record<string, string | undefined>;

function describe(value: string): string {
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

export function configError(name: string, rule: string, value?: string): ValidationError {
  return new ValidationError('INVALID_REQUEST', name, value === undefined ? rule : `${rule}, got ${describe(value)}`);
}

function raw(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function readString(env: Env, name: string): string | undefined {
  return raw(env, name);
}

export function requireString(env: Env, name: string): string {
  const value = raw(env, name);
  if (value === undefined) throw configError(name, 'is required');
  return value;
}

export function readInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || n < min || n > max) throw configError(name, `must be an integer from ${min} to ${max}`, value);
  return n;
}

export function readNumber(env: Env, name: string, fallback: number | undefined, min: number, max: number): number | undefined {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw configError(name, `must be a number from ${min} to ${max}`, value);
  return n;
}

export function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const value = raw(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (value === 'true' || value === '1' || value === 'yes') return true;
  if (value === 'false' || value === '0' || value === 'no') return false;
  throw configError(name, 'must be true or false', value);
}

export function readJson(env: Env, name: string): unknown {
  const value = raw(env, name);
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    throw configError(name, 'must be JSON', value);
  }
}

export function readEnum<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw configError(name, `must be one of ${allowed.join(', ')}`, value);
  return value as T;
}
