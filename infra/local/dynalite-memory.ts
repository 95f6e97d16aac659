/**
 * What keeps dynalite's memory to the items it stores. dynalite keeps its tables in memory-level
 * (an abstract-level database), and two of its ways with it grew the engine without end:
 *
 * - Its streams over a table (every Query and Scan) end an iterator by calling `return()`, which
 *   abstract-level iterators do not have (they have `close()`): every iterator stayed open,
 *   attached to the database, holding the snapshot of the tree it was opened on, so every version
 *   of every item written since. Iterators here get a `return()` that closes them.
 * - memory-level stores keys and JSON values as Buffers by default, and a Buffer made from a short
 *   string is a slice of Node's shared 8 KiB pool: each stored item pinned a whole slab. They are
 *   stored as strings instead (the `utf8` store encoding; dynalite's keys are ASCII, so their
 *   order is the same).
 *
 * Both are set on memory-level's class as dynalite loads it, before dynalite is first loaded (it
 * reads the class when its module loads).
 */
import { createRequire } from 'node:module';

interface LevelIterator {
  close(): Promise<void>;
  return?: () => Promise<void>;
  next(): Promise<unknown>;
}
interface LevelDb {
  keys(options?: unknown): LevelIterator;
  values(options?: unknown): LevelIterator;
  iterator(options?: unknown): LevelIterator;
}
type Level = new (options?: Record<string, unknown>) => LevelDb;

/**
 * What a dynalite database holds: its entries (items and index entries), their keys' and values'
 * characters, and the iterators open on it (each holds a snapshot of the table).
 */
export interface StoredSize {
  entries: number;
  chars: number;
  openIterators: number;
}

/** The databases memory-level made, newest last (taken by startDynalite right after it makes one). */
const made: LevelDb[] = [];

/** The database dynalite made last (in `fn`), and a way to measure what it stores. */
export function madeIn(fn: () => void): () => Promise<StoredSize> {
  const before = made.length;
  fn();
  const db = made.splice(before).at(-1);
  return async () => {
    const size: StoredSize = { entries: 0, chars: 0, openIterators: 0 };
    if (!db) return size;
    size.openIterators = (db as Counted)[OPEN];
    const it = db.iterator({ keyEncoding: 'utf8', valueEncoding: 'utf8' });
    try {
      for (let entry = await it.next(); entry !== undefined; entry = await it.next()) {
        const [key, value] = entry as [string, string];
        size.entries += 1;
        size.chars += key.length + value.length;
      }
    } finally {
      await it.close();
    }
    return size;
  };
}

const OPEN = Symbol('open iterators');
type Counted = LevelDb & { [OPEN]: number };

/** An iterator that `return()` closes, counted open on its database until it is closed. */
const closable = (db: Counted, iterator: LevelIterator): LevelIterator => {
  db[OPEN] += 1;
  const close = iterator.close.bind(iterator);
  let closed = false;
  iterator.close = () => {
    if (!closed) {
      closed = true;
      db[OPEN] -= 1;
    }
    return close();
  };
  iterator.return ??= () => iterator.close();
  return iterator;
};

const require = createRequire(import.meta.url);
const BOUNDED = Symbol.for('glidepath.dynalite-memory');

export function boundDynaliteMemory(): void {
  const memoryLevel = createRequire(require.resolve('dynalite'))('memory-level') as { MemoryLevel: Level; [BOUNDED]?: true };
  if (memoryLevel[BOUNDED]) return;
  const Original = memoryLevel.MemoryLevel;
  memoryLevel.MemoryLevel = class extends Original {
    [OPEN] = 0;

    constructor(options?: Record<string, unknown>) {
      super({ storeEncoding: 'utf8', ...options });
      made.push(this);
    }

    override keys(options?: unknown): LevelIterator {
      return closable(this, super.keys(options));
    }

    override values(options?: unknown): LevelIterator {
      return closable(this, super.values(options));
    }

    override iterator(options?: unknown): LevelIterator {
      return closable(this, super.iterator(options));
    }
  };
  memoryLevel[BOUNDED] = true;
}
