/**
 * Polls until a condition holds, in real time: `read` until it gives a value (not undefined), or
 * until `done` holds for what it gave; fails after `limitMs` naming what was awaited and the last
 * value read.
 */
export function until<T>(what: string, read: () => Promise<T | undefined>, limitMs?: number): Promise<T>;
export function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, limitMs?: number): Promise<T>;
export async function until<T>(what: string, read: () => Promise<T | undefined>, doneOrLimit?: ((value: T) => boolean) | number, limit?: number): Promise<T> {
  const done = typeof doneOrLimit === 'function' ? (value: T | undefined) => doneOrLimit(value as T) : (value: T | undefined) => value !== undefined;
  const limitMs = (typeof doneOrLimit === 'number' ? doneOrLimit : limit) ?? 20_000;
  const t0 = performance.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value as T;
    if (performance.now() - t0 > limitMs) throw new Error(`not ${what} after ${limitMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
