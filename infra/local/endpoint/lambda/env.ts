/**
 * Per-invocation environment for handlers running in this process. On AWS every sandbox has its
 * own `process.env`; here many invocations share one process, so `process.env` is replaced (once,
 * on the first invocation) by a view that reads and writes the environment of the invocation
 * whose async context is running — AsyncLocalStorage follows awaits, timers and callbacks — and the
 * real environment everywhere else. Concurrent invocations of different functions therefore each
 * see their own variables, and a handler's writes stay in its invocation.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<Record<string, string>>();
let host: NodeJS.ProcessEnv | undefined;

/** The process's own environment (never an invocation's). */
export function hostEnvironment(): NodeJS.ProcessEnv {
  return host ?? process.env;
}

function install(): void {
  if (host) return;
  const real = process.env;
  host = real;
  const view = (): Record<string, string | undefined> => current.getStore() ?? real;
  process.env = new Proxy({} as NodeJS.ProcessEnv, {
    get: (_t, key) => (typeof key === 'string' ? view()[key] : undefined),
    set: (_t, key, value) => {
      if (typeof key === 'string') view()[key] = String(value);
      return true;
    },
    has: (_t, key) => typeof key === 'string' && key in view(),
    deleteProperty: (_t, key) => {
      if (typeof key === 'string') delete view()[key];
      return true;
    },
    ownKeys: () => Object.keys(view()),
    getOwnPropertyDescriptor: (_t, key) => {
      const env = view();
      if (typeof key !== 'string' || !(key in env)) return undefined;
      return { value: env[key], writable: true, enumerable: true, configurable: true };
    },
    defineProperty: (_t, key, descriptor) => {
      if (typeof key === 'string') view()[key] = String(descriptor.value);
      return true;
    },
  });
}

/** Runs `fn` (and everything it starts) with `env` as its `process.env`. */
export function runWithEnvironment<T>(env: Record<string, string>, fn: () => T): T {
  install();
  return current.run(env, fn);
}
