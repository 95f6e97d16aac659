/**
 * GetMetricData's metric math, the part the local engine serves: numbers, the Ids of other
 * queries in the same call, + - * / (series aligned by timestamp, a scalar applied to every
 * point), parentheses, unary minus, FILL(series, value) and SUM([series, …]). A point that comes
 * out not finite (a division by zero) is left out, as CloudWatch does.
 */
import { cwError } from './errors.ts';

/** A time series: timestamp (ms) → value. */
export type Series = Map<number, number>;
export type MathValue = number | Series;

type Node =
  | { kind: 'number'; value: number }
  | { kind: 'id'; id: string }
  | { kind: 'neg'; of: Node }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/'; left: Node; right: Node }
  | { kind: 'call'; name: string; args: Node[] }
  | { kind: 'array'; items: Node[] };

const TOKEN = /\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)|([A-Za-z_][A-Za-z0-9_]*)|(.))/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const m = TOKEN.exec(text);
    if (!m) break;
    const token = m[1] ?? m[2] ?? m[3];
    if (token !== undefined) tokens.push(token);
  }
  return tokens;
}

function invalid(expression: string, why: string): Error {
  return cwError.validation(`Error in expression '${expression}': ${why}`);
}

export function parseExpression(expression: string): Node {
  const tokens = tokenize(expression);
  let at = 0;
  const peek = () => tokens[at];
  const take = (expected?: string): string => {
    const token = tokens[at];
    if (token === undefined || (expected !== undefined && token !== expected)) {
      throw invalid(expression, expected === undefined ? 'unexpected end' : `expected '${expected}' at token ${at + 1}`);
    }
    at += 1;
    return token;
  };
  const list = (close: string): Node[] => {
    const items: Node[] = [];
    if (peek() === close) return items;
    for (;;) {
      items.push(sum());
      if (peek() !== ',') return items;
      take(',');
    }
  };
  const primary = (): Node => {
    const token = take();
    if (token === '(') {
      const inner = sum();
      take(')');
      return inner;
    }
    if (token === '-') return { kind: 'neg', of: primary() };
    if (token === '[') {
      const items = list(']');
      take(']');
      return { kind: 'array', items };
    }
    if (/^[\d.]/.test(token)) return { kind: 'number', value: Number(token) };
    if (/^[A-Za-z_]/.test(token)) {
      if (peek() === '(') {
        take('(');
        const args = list(')');
        take(')');
        return { kind: 'call', name: token.toUpperCase(), args };
      }
      return { kind: 'id', id: token };
    }
    throw invalid(expression, `unexpected '${token}'`);
  };
  const product = (): Node => {
    let left = primary();
    while (peek() === '*' || peek() === '/') left = { kind: 'binary', op: take() as '*' | '/', left, right: primary() };
    return left;
  };
  const sum = (): Node => {
    let left = product();
    while (peek() === '+' || peek() === '-') left = { kind: 'binary', op: take() as '+' | '-', left, right: product() };
    return left;
  };
  const tree = sum();
  if (at < tokens.length) throw invalid(expression, `unexpected '${tokens[at]}'`);
  return tree;
}

/** The Ids an expression reads. */
export function referencedIds(node: Node): string[] {
  switch (node.kind) {
    case 'id':
      return [node.id];
    case 'neg':
      return referencedIds(node.of);
    case 'binary':
      return [...referencedIds(node.left), ...referencedIds(node.right)];
    case 'call':
      return node.args.flatMap(referencedIds);
    case 'array':
      return node.items.flatMap(referencedIds);
    default:
      return [];
  }
}

const apply = (op: '+' | '-' | '*' | '/', a: number, b: number): number => (op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b);

function finite(series: Series): Series {
  return new Map([...series].filter(([, v]) => Number.isFinite(v)));
}

export interface MathContext {
  expression: string;
  /** The value of another query's Id in this call. */
  resolve(id: string): MathValue;
  /** Every period start in the requested window (what FILL fills). */
  grid: number[];
}

export function evaluate(node: Node, ctx: MathContext): MathValue {
  switch (node.kind) {
    case 'number':
      return node.value;
    case 'id':
      return ctx.resolve(node.id);
    case 'neg': {
      const v = evaluate(node.of, ctx);
      return typeof v === 'number' ? -v : new Map([...v].map(([t, x]) => [t, -x]));
    }
    case 'binary': {
      const l = evaluate(node.left, ctx);
      const r = evaluate(node.right, ctx);
      if (typeof l === 'number' && typeof r === 'number') return apply(node.op, l, r);
      if (typeof l === 'number') return finite(new Map([...(r as Series)].map(([t, x]) => [t, apply(node.op, l, x)])));
      if (typeof r === 'number') return finite(new Map([...l].map(([t, x]) => [t, apply(node.op, x, r)])));
      const out: Series = new Map();
      for (const [t, x] of l) {
        const y = r.get(t);
        if (y !== undefined) out.set(t, apply(node.op, x, y));
      }
      return finite(out);
    }
    case 'array':
      throw invalid(ctx.expression, 'an array is only allowed as the argument of SUM');
    case 'call':
      return call(node.name, node.args, ctx);
  }
}

function asSeries(value: MathValue, ctx: MathContext): Series {
  return typeof value === 'number' ? new Map(ctx.grid.map((t) => [t, value])) : value;
}

function call(name: string, args: Node[], ctx: MathContext): MathValue {
  if (name === 'FILL') {
    if (args.length !== 2) throw invalid(ctx.expression, 'FILL takes a series and a value');
    const series = asSeries(evaluate(args[0]!, ctx), ctx);
    const fill = evaluate(args[1]!, ctx);
    if (typeof fill !== 'number') throw invalid(ctx.expression, 'FILL supports a number as its value');
    const out: Series = new Map(ctx.grid.map((t) => [t, series.get(t) ?? fill]));
    for (const [t, v] of series) out.set(t, v);
    return new Map([...out].sort((a, b) => a[0] - b[0]));
  }
  if (name === 'SUM') {
    const [only] = args;
    if (args.length !== 1 || only === undefined || only.kind !== 'array') throw invalid(ctx.expression, 'SUM takes an array of series, e.g. SUM([m1, m2])');
    const out: Series = new Map();
    for (const item of only.items) {
      for (const [t, v] of asSeries(evaluate(item, ctx), ctx)) out.set(t, (out.get(t) ?? 0) + v);
    }
    return new Map([...out].sort((a, b) => a[0] - b[0]));
  }
  throw invalid(ctx.expression, `the local engine does not serve the function ${name} (arithmetic, FILL and SUM only)`);
}
