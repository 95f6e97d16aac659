/**
 * A small builder for DynamoDB UpdateExpressions over the deployment record: SET values at
 * (dotted) paths, append to lists, REMOVE paths, with every name and value behind a placeholder
 * so no attribute name (`status`, `ttl`, …) collides with a reserved word.
 */

export interface Condition {
  /** Uses `#name` / `:value` placeholders declared in `names` / `values`. */
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

export interface RecordUpdate {
  /** Path (`status`, `signals.pause`) → value. */
  set?: Record<string, unknown>;
  /** List attribute → items appended at its end (the list is created when absent). */
  append?: Record<string, unknown[]>;
  remove?: string[];
  condition?: Condition;
}

export interface BuiltUpdate {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
  ConditionExpression?: string;
}

export function buildUpdate(update: RecordUpdate): BuiltUpdate {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const nameOf = new Map<string, string>();
  const path = (dotted: string): string =>
    dotted
      .split('.')
      .map((segment) => {
        let placeholder = nameOf.get(segment);
        if (!placeholder) {
          placeholder = `#u${nameOf.size}`;
          nameOf.set(segment, placeholder);
          names[placeholder] = segment;
        }
        return placeholder;
      })
      .join('.');
  let valueCount = 0;
  const value = (v: unknown): string => {
    const placeholder = `:u${valueCount++}`;
    values[placeholder] = v;
    return placeholder;
  };

  const sets: string[] = [];
  for (const [p, v] of Object.entries(update.set ?? {})) sets.push(`${path(p)} = ${value(v)}`);
  const appends = Object.entries(update.append ?? {}).filter(([, items]) => items.length > 0);
  if (appends.length > 0) {
    const empty = value([]);
    for (const [p, items] of appends) sets.push(`${path(p)} = list_append(if_not_exists(${path(p)}, ${empty}), ${value(items)})`);
  }
  const removes = (update.remove ?? []).map(path);

  const clauses: string[] = [];
  if (sets.length > 0) clauses.push(`SET ${sets.join(', ')}`);
  if (removes.length > 0) clauses.push(`REMOVE ${removes.join(', ')}`);
  if (clauses.length === 0) throw new Error('buildUpdate: nothing to update');

  const built: BuiltUpdate = { UpdateExpression: clauses.join(' '), ExpressionAttributeNames: names };
  if (update.condition) {
    built.ConditionExpression = update.condition.expression;
    Object.assign(names, update.condition.names ?? {});
    Object.assign(values, update.condition.values ?? {});
  }
  if (Object.keys(values).length > 0) built.ExpressionAttributeValues = values;
  return built;
}
