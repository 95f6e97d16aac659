/**
 * The query protocol's request side: a form-encoded body (`Action=DescribeAlarms&Version=…&
 * AlarmNames.member.1=a`) read into the same input object the JSON protocol carries. Lists are
 * `Name.member.N`, maps `Name.entry.N.key/value`, structures `Outer.Inner`; every value arrives
 * as text, so the service says which member names hold numbers and booleans (`QueryShapes`).
 */
import { ServiceError } from '../errors.ts';

export interface QueryShapes {
  /** Member names whose values are numbers (integers or doubles), alone or as list members. */
  numbers: ReadonlySet<string>;
  booleans: ReadonlySet<string>;
  /** Members that are lists: `Name=` (no members) is an empty list. */
  lists: ReadonlySet<string>;
  /** `Parent.Name` pairs that stay text although `Name` is numeric elsewhere (`Dimensions.Value`). */
  texts: ReadonlySet<string>;
}

export interface QueryRequest {
  action: string;
  version: string | undefined;
  input: Record<string, unknown>;
}

type Node = Record<string, unknown>;

function coerce(name: string, parent: string, text: string, shapes: QueryShapes): unknown {
  if (shapes.texts.has(`${parent}.${name}`)) return text;
  if (shapes.numbers.has(name)) {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n)) {
      throw new ServiceError('ValidationError', `Value '${text}' for parameter ${name} is not a number`, { queryCode: 'ValidationError' });
    }
    return n;
  }
  if (shapes.booleans.has(name)) {
    if (text !== 'true' && text !== 'false') {
      throw new ServiceError('ValidationError', `Value '${text}' for parameter ${name} is not a boolean`, { queryCode: 'ValidationError' });
    }
    return text === 'true';
  }
  if (shapes.lists.has(name) && text === '') return [];
  return text;
}

/** Turns `{index → value}` objects made for `member`/`entry` back into arrays and maps. */
function finish(node: unknown): unknown {
  if (node === null || typeof node !== 'object') return node;
  const obj = node as Node;
  if (obj.__list) {
    const items = obj.__list as Map<number, unknown>;
    return [...items.entries()].sort(([a], [b]) => a - b).map(([, v]) => finish(v));
  }
  if (obj.__map) {
    const entries = obj.__map as Map<number, Node>;
    return Object.fromEntries([...entries.values()].map((e) => [String(e.key), finish(e.value)]));
  }
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, finish(v)]));
}

export function parseQueryForm(body: Buffer, shapes: QueryShapes): QueryRequest {
  const params = new URLSearchParams(body.toString('utf8'));
  const action = params.get('Action');
  if (!action) throw new ServiceError('MissingAction', 'The request must contain the parameter Action', { queryCode: 'MissingAction' });
  const root: Node = {};
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version') continue;
    const parts = key.split('.');
    let node: Node = root;
    let name = parts[0]!;
    let parent = '';
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const last = i === parts.length - 1;
      if ((part === 'member' || part === 'entry') && /^\d+$/.test(parts[i + 1] ?? '')) {
        // `node` is the list (or map) holder made for the previous segment.
        const index = Number(parts[i + 1]);
        const store = (part === 'member' ? (node.__list ??= new Map()) : (node.__map ??= new Map())) as Map<number, unknown>;
        i += 1;
        if (i === parts.length - 1) {
          store.set(index, coerce(name, parent, value, shapes));
          break;
        }
        if (!store.has(index)) store.set(index, {});
        node = store.get(index) as Node;
        continue;
      }
      if (part !== 'key' && part !== 'value' && i > 0) {
        parent = name;
        name = part;
      }
      if (last) {
        node[part] = coerce(name, parent, value, shapes);
        break;
      }
      const next = node[part];
      node = (next !== null && typeof next === 'object' ? next : (node[part] = {})) as Node;
    }
  }
  return { action, version: params.get('Version') ?? undefined, input: finish(root) as Node };
}
