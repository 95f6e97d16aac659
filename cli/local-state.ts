/**
 * The state file `glidepath local up` leaves so that other commands (in other shells) find the
 * running engine: `<cwd>/.glidepath/local.json`, or `$GLIDEPATH_STATE_DIR/local.json`. It holds
 * the endpoint, the state machine and the environment a client needs; it is removed on exit.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive } from '../infra/local/process-alive.ts';
import type { CliIO } from './context.ts';

export const STATE_FILE = 'local.json';

export interface LocalState {
  version: 1;
  pid: number;
  url: string;
  port: number;
  region: string;
  /** Simulated seconds per real second, or `max` (virtual time: the clock jumps over idle waits). */
  speed: number | 'max';
  stateMachineArn: string;
  tableName: string;
  /** What `local up` printed as `export` lines. */
  env: Record<string, string>;
  startedAt: string;
  /** The engine's simulated clock (ms) at real time `realMs`: with `speed`, enough to tell its time. */
  clock?: { simMs: number; realMs: number };
}

/** The engine's simulated time now, from the anchor the state file holds (if any). */
export function estimateSimNow(state: LocalState | undefined): number | undefined {
  // A virtual clock's time cannot be told from real time: ask the engine (its health route).
  if (!state?.clock || state.speed === 'max') return undefined;
  return state.clock.simMs + (Date.now() - state.clock.realMs) * state.speed;
}

export function stateDir(io: Pick<CliIO, 'env' | 'cwd'>): string {
  const dir = io.env.GLIDEPATH_STATE_DIR;
  return dir !== undefined && dir !== '' ? dir : join(io.cwd, '.glidepath');
}

export function stateFilePath(io: Pick<CliIO, 'env' | 'cwd'>): string {
  return join(stateDir(io), STATE_FILE);
}

/** Writes the file atomically (a reader never sees half of it). */
export function writeLocalState(path: string, state: LocalState): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temp, path);
}

/** Removes the file if it still describes the engine of `pid` (another `local up` may have replaced it). */
export function removeLocalState(path: string, pid: number): void {
  try {
    const state = JSON.parse(readFileSync(path, 'utf8')) as Partial<LocalState>;
    if (state.pid === pid) rmSync(path, { force: true });
  } catch {
    // Already gone or unreadable: nothing to clean up.
  }
}

/** The engine described by the state file, if the file exists and its process is alive. */
export function readLocalState(io: Pick<CliIO, 'env' | 'cwd'>): LocalState | undefined {
  let state: LocalState;
  try {
    state = JSON.parse(readFileSync(stateFilePath(io), 'utf8')) as LocalState;
  } catch {
    return undefined;
  }
  if (state?.version !== 1 || typeof state.url !== 'string' || typeof state.pid !== 'number') return undefined;
  return processAlive(state.pid) ? state : undefined;
}
