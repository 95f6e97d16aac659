/**
 * The state machine as the template wires it: the ASL file named by `DefinitionUri` passes
 * asl-validator; its `${…}` placeholders and `DefinitionSubstitutions` match one for one; every
 * Task retries throttling with backoff and jitter, catches to the rollback path and has a timeout;
 * the state machine's role may invoke exactly the functions substituted into it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import aslValidator from 'asl-validator';
import { intrinsicName, isDict, resourcesOfType, SAM_STATE_MACHINE, type Dict, type Template } from './template.ts';
import { policyStatements } from './iam.ts';

export interface StateMachineSource {
  id: string;
  uri: string;
  text: string;
  definition: Dict;
}

/** The state machines of the template with the ASL text their `DefinitionUri` names. */
export function loadStateMachines(template: Template, root: string): { machines: StateMachineSource[]; problems: string[] } {
  const machines: StateMachineSource[] = [];
  const problems: string[] = [];
  for (const [id, resource] of resourcesOfType(template, SAM_STATE_MACHINE)) {
    const uri = resource.Properties?.DefinitionUri;
    if (typeof uri !== 'string') {
      problems.push(`Resources.${id}.Properties.DefinitionUri: must name the ASL file of this repository`);
      continue;
    }
    const file = join(root, uri);
    if (!existsSync(file)) {
      problems.push(`Resources.${id}.Properties.DefinitionUri: ${uri} does not exist`);
      continue;
    }
    const text = readFileSync(file, 'utf8');
    try {
      machines.push({ id, uri, text, definition: JSON.parse(text) as Dict });
    } catch (error) {
      problems.push(`${uri}: not JSON (${(error as Error).message})`);
    }
  }
  return { machines, problems };
}

export function checkAslValid(machine: StateMachineSource): string[] {
  const { isValid, errors } = aslValidator(machine.definition);
  if (isValid) return [];
  return errors.map((error) => `${machine.uri}: ${error['Error code']}: ${error.Message}`);
}

export function aslPlaceholders(text: string): Set<string> {
  return new Set([...text.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]!));
}

export function checkSubstitutions(template: Template, machine: StateMachineSource): string[] {
  const path = `Resources.${machine.id}.Properties.DefinitionSubstitutions`;
  const given = template.Resources[machine.id]?.Properties?.DefinitionSubstitutions;
  const defined = new Set(isDict(given) ? Object.keys(given) : []);
  const used = aslPlaceholders(machine.text);
  const problems: string[] = [];
  for (const name of used) if (!defined.has(name)) problems.push(`${machine.uri}: \${${name}} has no entry in ${path}`);
  for (const name of defined) if (!used.has(name)) problems.push(`${path}.${name}: not used by ${machine.uri}`);
  return problems;
}

interface TaskAt {
  name: string;
  state: Dict;
}

/** Task states, also inside Parallel branches and Map iterators. */
export function taskStates(definition: Dict): TaskAt[] {
  const tasks: TaskAt[] = [];
  const visit = (states: unknown, prefix: string) => {
    if (!isDict(states)) return;
    for (const [name, state] of Object.entries(states)) {
      if (!isDict(state)) continue;
      const label = prefix ? `${prefix}/${name}` : name;
      if (state.Type === 'Task') tasks.push({ name: label, state });
      if (Array.isArray(state.Branches)) state.Branches.forEach((b, i) => isDict(b) && visit(b.States, `${label}[${i}]`));
      for (const key of ['ItemProcessor', 'Iterator']) {
        const inner = state[key];
        if (isDict(inner)) visit(inner.States, label);
      }
    }
  };
  visit(definition.States, '');
  return tasks;
}

/** Errors that mean "throttled": a Task retries at least one of them. */
const THROTTLING = ['Lambda.TooManyRequestsException', 'THROTTLED', 'States.ALL', 'States.TaskFailed'];

export interface TaskRules {
  /** Tasks where a Catch would be meaningless, with the reason (none today). */
  catchExempt?: Record<string, string>;
}

export function checkTasks(machine: StateMachineSource, rules: TaskRules = {}): string[] {
  const problems: string[] = [];
  for (const { name, state } of taskStates(machine.definition)) {
    const at = `${machine.uri}: Task ${name}`;
    if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) problems.push(`${at} has no TimeoutSeconds or TimeoutSecondsPath`);
    const retry = Array.isArray(state.Retry) ? state.Retry.filter(isDict) : [];
    if (retry.length === 0) problems.push(`${at} has no Retry`);
    else {
      const throttling = retry.find((r) => Array.isArray(r.ErrorEquals) && r.ErrorEquals.some((e) => THROTTLING.includes(String(e))));
      if (!throttling) problems.push(`${at} does not retry throttling (${THROTTLING.join(' or ')})`);
      else {
        if (!(Number(throttling.BackoffRate ?? 2) > 1)) problems.push(`${at}: its throttling retry has no backoff (BackoffRate ≤ 1)`);
        if (throttling.JitterStrategy !== 'FULL') problems.push(`${at}: its throttling retry has no jitter (JitterStrategy FULL)`);
      }
    }
    const catches = Array.isArray(state.Catch) ? state.Catch : [];
    if (catches.length === 0 && !rules.catchExempt?.[name]) problems.push(`${at} has no Catch`);
  }
  return problems;
}

/**
 * The state machine's role allows lambda:InvokeFunction on exactly the functions its
 * DefinitionSubstitutions name (as `!GetAtt <Function>.Arn`), and on nothing else.
 */
export function checkInvokeScope(template: Template, machine: StateMachineSource): string[] {
  const substitutions = template.Resources[machine.id]?.Properties?.DefinitionSubstitutions;
  const substituted = new Set<string>();
  for (const value of Object.values(isDict(substitutions) ? substitutions : {})) {
    if (intrinsicName(value) === 'Fn::GetAtt') substituted.add(JSON.stringify(value));
  }
  const granted = new Set<string>();
  const problems: string[] = [];
  for (const { owner, path, statement } of policyStatements(template)) {
    if (owner !== machine.id || statement.Effect !== 'Allow') continue;
    const actions = [statement.Action].flat();
    if (!actions.includes('lambda:InvokeFunction')) continue;
    for (const resource of [statement.Resource].flat()) {
      if (intrinsicName(resource) === 'Fn::GetAtt' && substituted.has(JSON.stringify(resource))) granted.add(JSON.stringify(resource));
      else problems.push(`${path}: lambda:InvokeFunction on ${JSON.stringify(resource)}, which is not a function of the state machine`);
    }
  }
  for (const fn of substituted) if (!granted.has(fn)) problems.push(`Resources.${machine.id}: its role may not invoke ${fn}`);
  return problems;
}
