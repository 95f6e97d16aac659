/**
 * Every `Ref`, `Fn::GetAtt`, `Fn::Sub` placeholder, `Fn::If` condition, `DependsOn` and `Condition`
 * names something that exists: a parameter, a pseudo parameter, a resource, or a resource SAM
 * generates (`<Function>Role`, `<Function>Url`, …); a GetAtt names an attribute of that resource's
 * type. Also: no dependency cycle between resources once SAM has expanded them.
 */
import type { Spec } from './spec.ts';
import {
  intrinsicName,
  isDict,
  PSEUDO_PARAMETERS,
  resolvableResources,
  SAM_FUNCTION,
  SAM_STATE_MACHINE,
  subPlaceholders,
  walk,
  type Template,
} from './template.ts';

interface Scope {
  parameters: Set<string>;
  resources: Map<string, string>;
  conditions: Set<string>;
  mappings: Set<string>;
}

function scopeOf(template: Template): Scope {
  return {
    parameters: new Set(Object.keys(template.Parameters ?? {})),
    resources: resolvableResources(template),
    conditions: new Set(Object.keys(template.Conditions ?? {})),
    mappings: new Set(Object.keys(template.Mappings ?? {})),
  };
}

/** Everything in a template that can hold intrinsic functions, with its path. */
function referringSections(template: Template): [string, unknown][] {
  const sections: [string, unknown][] = [];
  for (const [name, values] of Object.entries(template.Globals ?? {})) sections.push([`Globals.${name}`, values]);
  for (const [id, resource] of Object.entries(template.Resources)) sections.push([`Resources.${id}.Properties`, resource.Properties]);
  for (const [id, output] of Object.entries(template.Outputs ?? {})) sections.push([`Outputs.${id}`, output]);
  for (const [id, condition] of Object.entries(template.Conditions ?? {})) sections.push([`Conditions.${id}`, condition]);
  return sections;
}

export function checkReferences(template: Template, spec: Spec): string[] {
  const scope = scopeOf(template);
  const problems: string[] = [];
  const checkRef = (name: unknown, path: string, locals: Set<string> = new Set()) => {
    if (typeof name !== 'string') return problems.push(`${path}: Ref needs a name, got ${JSON.stringify(name)}`);
    if (locals.has(name) || scope.parameters.has(name) || PSEUDO_PARAMETERS.has(name) || scope.resources.has(name)) return;
    problems.push(`${path}: Ref ${name} names no parameter, pseudo parameter or resource`);
  };
  const checkGetAtt = (resource: string, attribute: string, path: string) => {
    const type = scope.resources.get(resource);
    if (!type) return problems.push(`${path}: GetAtt ${resource}.${attribute}: no resource ${resource}`);
    const attributes = spec.attributes(type);
    if (attributes && !attributes.includes(attribute)) {
      problems.push(`${path}: GetAtt ${resource}.${attribute}: ${type} has no attribute ${attribute} (has: ${attributes.join(', ') || 'none'})`);
    }
  };

  for (const [sectionPath, section] of referringSections(template)) {
    walk(section, sectionPath, (value, path) => {
      const fn = intrinsicName(value);
      if (!fn || !isDict(value)) return;
      const arg = value[fn];
      switch (fn) {
        case 'Ref':
          checkRef(arg, path);
          break;
        case 'Fn::GetAtt': {
          const [resource, ...rest] = Array.isArray(arg) ? arg : String(arg).split('.');
          if (typeof resource !== 'string' || rest.length === 0) problems.push(`${path}: GetAtt needs Resource.Attribute, got ${JSON.stringify(arg)}`);
          else checkGetAtt(resource, rest.join('.'), path);
          break;
        }
        case 'Fn::Sub': {
          const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
          if (typeof text !== 'string') break;
          const locals = new Set(isDict(vars) ? Object.keys(vars) : []);
          for (const name of subPlaceholders(text)) {
            const dot = name.indexOf('.');
            if (dot > 0 && !locals.has(name) && !PSEUDO_PARAMETERS.has(name)) checkGetAtt(name.slice(0, dot), name.slice(dot + 1), path);
            else checkRef(name, path, locals);
          }
          break;
        }
        case 'Fn::If':
        case 'Condition': {
          const name = Array.isArray(arg) ? arg[0] : arg;
          if (typeof name === 'string' && !scope.conditions.has(name)) problems.push(`${path}: condition ${name} is not defined`);
          break;
        }
        case 'Fn::FindInMap': {
          const name = Array.isArray(arg) ? arg[0] : undefined;
          if (typeof name === 'string' && !scope.mappings.has(name)) problems.push(`${path}: mapping ${name} is not defined`);
          break;
        }
      }
    });
  }
  for (const [id, resource] of Object.entries(template.Resources)) {
    const dependsOn = resource.DependsOn === undefined ? [] : [resource.DependsOn].flat();
    for (const target of dependsOn) {
      if (!scope.resources.has(String(target))) problems.push(`Resources.${id}.DependsOn: no resource ${String(target)}`);
    }
    if (resource.Condition !== undefined && !scope.conditions.has(String(resource.Condition))) {
      problems.push(`Resources.${id}.Condition: condition ${String(resource.Condition)} is not defined`);
    }
  }
  return problems;
}

/** The logical ids a value refers to (Ref, GetAtt, Sub), reduced to the resource part. */
function referencedIds(value: unknown, ids: Map<string, string>): Set<string> {
  const found = new Set<string>();
  const add = (name: string) => {
    const id = name.split('.')[0]!;
    if (ids.has(id)) found.add(id);
  };
  walk(value, '', (v) => {
    const fn = intrinsicName(v);
    if (!fn || !isDict(v)) return;
    const arg = v[fn];
    if (fn === 'Ref' && typeof arg === 'string') add(arg);
    if (fn === 'Fn::GetAtt') add(Array.isArray(arg) ? String(arg[0]) : String(arg));
    if (fn === 'Fn::Sub') {
      const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
      const locals = new Set(isDict(vars) ? Object.keys(vars) : []);
      if (typeof text === 'string') for (const name of subPlaceholders(text)) if (!locals.has(name)) add(name);
    }
  });
  return found;
}

/**
 * Dependency cycles after the SAM transform. A SAM function or state machine becomes the resource
 * itself (which depends on its generated role and on what its properties name) and `<Id>Role`
 * (which depends on what its `Policies` name); a generated `<Id>Url` depends on the function.
 */
export function checkDependencyCycles(template: Template): string[] {
  const ids = resolvableResources(template);
  const edges = new Map<string, Set<string>>();
  const add = (from: string, to: Iterable<string>) => {
    const set = edges.get(from) ?? new Set<string>();
    for (const t of to) set.add(t);
    edges.set(from, set);
  };
  const globalRefs = referencedIds(template.Globals?.Function, ids);
  for (const [id, resource] of Object.entries(template.Resources)) {
    const { Policies, ...rest } = resource.Properties ?? {};
    const dependsOn = resource.DependsOn === undefined ? [] : [resource.DependsOn].flat().map(String);
    const isSam = resource.Type === SAM_FUNCTION || resource.Type === SAM_STATE_MACHINE;
    add(id, [...referencedIds(isSam ? rest : resource.Properties, ids), ...dependsOn]);
    if (resource.Type === SAM_FUNCTION) add(id, globalRefs);
    if (isSam && ids.has(`${id}Role`)) {
      add(id, [`${id}Role`]);
      add(`${id}Role`, referencedIds(Policies, ids));
    }
    if (ids.has(`${id}Url`)) add(`${id}Url`, [id]);
  }
  const problems: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'visiting') {
      problems.push(`dependency cycle: ${[...stack.slice(stack.indexOf(node)), node].join(' -> ')}`);
      return;
    }
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of edges.get(node) ?? []) if (next !== node) visit(next);
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...edges.keys()].sort()) visit(node);
  return problems;
}
