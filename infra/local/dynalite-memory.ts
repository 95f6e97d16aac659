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
}
type Level = new (options?: Record<string, unknown>) => { keys(options?: unknown): LevelIterator; values(options?: unknown): LevelIterator; iterator(options?: unknown): LevelIterator };

const closable = (iterator: LevelIterator): LevelIterator => {
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
    constructor(options?: Record<string, unknown>) {
      super({ storeEncoding: 'utf8', ...options });
    }

    override keys(options?: unknown): LevelIterator {
      return closable(super.keys(options));
    }

    override values(options?: unknown): LevelIterator {
      return closable(super.values(options));
    }

    override iterator(options?: unknown): LevelIterator {
      return closable(super.iterator(options));
    }
  };
  memoryLevel[BOUNDED] = true;
}
