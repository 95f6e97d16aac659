/**
 * What a CloudFormation template's values are before it is deployed, as far as the template
 * itself says: `Ref` to a parameter (its Default), `Fn::Sub` over parameters (and its own
 * variables), `Fn::FindInMap` in Mappings, and Conditions (`Fn::Equals`, `Fn::Not`, `Fn::And`,
 * `Fn::Or`, `Condition`) over those. The AWS SAM translator resolves a DeploymentPreference's
 * Type and Enabled the same way (parameter refs, then mappings). Anything else — a pseudo
 * parameter, a resource's ARN, `Fn::If` — is known only at deploy time: `unknown`, with why.
 */

type Obj = Record<string, unknown>;

export type Resolved = { known: true; value: unknown } | { known: false; why: string };

const isObject = (value: unknown): value is Obj => value !== null && typeof value === 'object' && !Array.isArray(value);

export function intrinsicKey(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::') || keys[0] === 'Condition') ? keys[0] : undefined;
}

const known = (value: unknown): Resolved => ({ known: true, value });
const unknown = (why: string): Resolved => ({ known: false, why });

export class TemplateValues {
  readonly #conditions = new Map<string, Resolved>();

  constructor(private readonly doc: Obj) {}

  #section(name: string): Obj {
    const section = this.doc[name];
    return isObject(section) ? section : {};
  }

  /** A parameter's Default (CloudFormation hands every parameter value over as a string, lists joined). */
  parameter(name: string): Resolved {
    const parameter = this.#section('Parameters')[name];
    if (!isObject(parameter)) return unknown(`${name} is not a parameter of the template`);
    if (parameter.Default === undefined) return unknown(`parameter ${name} has no Default`);
    const value = parameter.Default;
    return known(Array.isArray(value) ? value.join(',') : typeof value === 'number' || typeof value === 'boolean' ? String(value) : value);
  }

  /** The value with every intrinsic the template can answer replaced; unknown at the first it cannot. */
  resolve(value: unknown): Resolved {
    const key = intrinsicKey(value);
    if (key === undefined) {
      if (Array.isArray(value)) {
        const out: unknown[] = [];
        for (const item of value) {
          const r = this.resolve(item);
          if (!r.known) return r;
          out.push(r.value);
        }
        return known(out);
      }
      return known(value);
    }
    const arg = (value as Obj)[key];
    switch (key) {
      case 'Ref':
        if (typeof arg !== 'string') return unknown('Ref needs a name');
        if (arg.startsWith('AWS::')) return unknown(`${arg} is known only when the stack is deployed`);
        if (this.#section('Resources')[arg] !== undefined) return unknown(`Ref ${arg} is a resource, known only when the stack is deployed`);
        return this.parameter(arg);
      case 'Fn::Sub':
        return this.#sub(arg);
      case 'Fn::FindInMap':
        return this.#findInMap(arg);
      default:
        return unknown(`${key} is evaluated only when the stack is deployed`);
    }
  }

  #sub(arg: unknown): Resolved {
    const [template, variables] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, {}];
    if (typeof template !== 'string' || !isObject(variables)) return unknown('Fn::Sub needs a string (and a map of variables)');
    let out = '';
    let last = 0;
    for (const match of template.matchAll(/\$\{([^}!][^}]*)\}/g)) {
      out += template.slice(last, match.index);
      last = match.index + match[0].length;
      const name = match[1]!.trim();
      const r = name in variables ? this.resolve(variables[name]) : name.includes('.') ? unknown(`\${${name}} is an attribute, known only when the stack is deployed`) : this.resolve({ Ref: name });
      if (!r.known) return r;
      if (typeof r.value !== 'string') return unknown(`\${${name}} is not a string`);
      out += r.value;
    }
    // `${!Literal}` is written as `${Literal}`.
    return known((out + template.slice(last)).replace(/\$\{!/g, '${'));
  }

  #findInMap(arg: unknown): Resolved {
    if (!Array.isArray(arg) || arg.length < 3) return unknown('Fn::FindInMap needs [MapName, TopLevelKey, SecondLevelKey]');
    const keys: string[] = [];
    for (const part of arg.slice(0, 3)) {
      const r = this.resolve(part);
      if (!r.known) return r;
      if (typeof r.value !== 'string') return unknown('Fn::FindInMap keys must be strings');
      keys.push(r.value);
    }
    const [map, top, second] = keys as [string, string, string];
    const mapping = this.#section('Mappings')[map];
    if (!isObject(mapping)) return unknown(`mapping ${map} is not in the template`);
    const level = mapping[top];
    if (!isObject(level) || level[second] === undefined) return unknown(`mapping ${map} has no ${top}.${second}`);
    return this.resolve(level[second]);
  }

  /** A named condition's value from the parameters' defaults. */
  condition(name: string, seen: readonly string[] = []): Resolved {
    const cached = this.#conditions.get(name);
    if (cached) return cached;
    if (seen.includes(name)) return unknown(`condition ${name} refers to itself`);
    const definition = this.#section('Conditions')[name];
    const result = definition === undefined ? unknown(`condition ${name} is not defined`) : this.#evaluate(definition, [...seen, name]);
    this.#conditions.set(name, result);
    return result;
  }

  #evaluate(value: unknown, seen: readonly string[]): Resolved {
    const key = intrinsicKey(value);
    const arg = key ? (value as Obj)[key] : undefined;
    const all = (items: unknown): Resolved[] | Resolved => {
      if (!Array.isArray(items)) return unknown(`${key} needs a list`);
      return items.map((item) => this.#evaluate(item, seen));
    };
    switch (key) {
      case 'Condition':
        return typeof arg === 'string' ? this.condition(arg, seen) : unknown('Condition needs a name');
      case 'Fn::Not': {
        const [inner] = Array.isArray(arg) ? arg : [];
        const r = this.#evaluate(inner, seen);
        return r.known ? known(!r.value) : r;
      }
      case 'Fn::And':
      case 'Fn::Or': {
        const results = all(arg);
        if (!Array.isArray(results)) return results;
        const decisive = key === 'Fn::And' ? false : true;
        if (results.some((r) => r.known && r.value === decisive)) return known(decisive);
        const open = results.find((r) => !r.known);
        return open ?? known(!decisive);
      }
      case 'Fn::Equals': {
        if (!Array.isArray(arg) || arg.length !== 2) return unknown('Fn::Equals needs two values');
        const [a, b] = [this.resolve(arg[0]), this.resolve(arg[1])];
        if (!a.known) return a;
        if (!b.known) return b;
        return known(String(a.value) === String(b.value));
      }
      default:
        return unknown(`a condition must be Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition`);
    }
  }
}
