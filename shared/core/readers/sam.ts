/**
 * SAM templates → the deployment request of one `AWS::Serverless::Function`: its `AutoPublishAlias`
 * and `DeploymentPreference` (Enabled, Type, PassthroughCondition, Hooks, Alarms,
 * TriggerConfigurations), with `Globals.Function` merged in as SAM does, and the function's
 * Condition. yaml-cfn reads the intrinsic tags; parameter refs, `!Sub` and `!FindInMap` are
 * resolved from the parameters' defaults and Mappings (shared/core/readers/template-values.ts),
 * `!Ref` to a function gives its FunctionName (else its logical id), to an alarm its AlarmName
 * (else its logical id). What is known only at deploy time is rejected where a value is needed.
 */
import { yamlParse } from 'yaml-cfn';
import { ALIAS_PATTERN, FUNCTION_NAME_PATTERN, MAX_ALARM_NAME, type StrategyInput } from '../model/request.ts';
import { ruleViolation, type ValidationCode } from '../describe.ts';
import type { Notification } from '../model/request.ts';
import { TemplateValues } from './template-values.ts';
import {
  checkPassthroughCondition,
  ignoredSettings,
  preferenceEnabled,
  preferenceType,
  triggerNotifications,
} from './sam-preference.ts';

type Obj = Record<string, unknown>;

export interface SamRequest {
  functionName: string;
  alias: string;
  strategy?: string;
  hooks?: { beforeAllowTraffic?: string; afterAllowTraffic?: string };
  alarms?: string[];
  notifications?: Notification[];
  /** The function's `Metadata.Glidepath.analysis` (SAM validates DeploymentPreference's keys; Metadata is free). */
  analysis?: unknown;
}

export interface SamRead {
  /** What the template says. `strategy` is absent when Type is a custom configuration name. */
  request: SamRequest;
  /** DeploymentPreference.Type as resolved (parameter refs, Fn::Sub, FindInMap); undefined when it could not be. */
  deploymentType?: string;
  /** Where Type was read, for messages. */
  typeField: string;
  /** Settings ignored or mapped, and what could not be known offline. */
  warnings: string[];
}

export interface SamReadOptions {
  /** --strategy was given: it replaces Type, so a Type that cannot be planned is not an error. */
  strategyGiven?: boolean;
}

const SERVERLESS_FUNCTION = 'AWS::Serverless::Function';
const FUNCTION_TYPES = [SERVERLESS_FUNCTION, 'AWS::Lambda::Function'];
const ALARM_TYPE = 'AWS::CloudWatch::Alarm';
const HOOK_KEYS = { PreTraffic: 'beforeAllowTraffic', PostTraffic: 'afterAllowTraffic' } as const;

const isObject = (value: unknown): value is Obj => value !== null && typeof value === 'object' && !Array.isArray(value);

/** `{"Ref": x}`, `{"Fn::If": …}`, … : the intrinsic's key, else undefined. */
function intrinsic(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::') || keys[0] === 'Condition') ? keys[0] : undefined;
}

class Template {
  constructor(
    readonly doc: Obj,
    readonly resources: Obj,
  ) {}

  resource(id: string): Obj | undefined {
    const resource = this.resources[id];
    return isObject(resource) ? resource : undefined;
  }

  /** A `!Ref` to a parameter becomes its Default; anything else is returned as is. */
  resolveParameter(value: unknown, field: string, code: ValidationCode): unknown {
    if (intrinsic(value) !== 'Ref') return value;
    const name = (value as Obj).Ref;
    const parameters = isObject(this.doc.Parameters) ? this.doc.Parameters : {};
    const parameter = typeof name === 'string' ? parameters[name] : undefined;
    if (!isObject(parameter)) return value;
    if (parameter.Default === undefined) {
      throw ruleViolation(code, field, `refers to parameter ${String(name)}, which has no Default to plan with`);
    }
    return parameter.Default;
  }
}

function parseTemplate(source: string): Template {
  let doc: unknown;
  try {
    doc = yamlParse(source);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw ruleViolation('INVALID_REQUEST', 'template', `must be a YAML or JSON template (${reason})`);
  }
  if (!isObject(doc)) throw ruleViolation('INVALID_REQUEST', 'template', 'must be a map with Resources', doc);
  if (!isObject(doc.Resources)) throw ruleViolation('INVALID_REQUEST', 'Resources', 'is required (a map of resources)', doc.Resources);
  return new Template(doc, doc.Resources);
}

/** SAM's Globals merge: maps merge key by key, lists append, scalars of the resource win. */
function mergeGlobal(global: unknown, local: unknown): unknown {
  if (local === undefined) return global;
  if (isObject(global) && isObject(local) && intrinsic(global) === undefined && intrinsic(local) === undefined) {
    const out: Obj = { ...global };
    for (const [key, value] of Object.entries(local)) out[key] = mergeGlobal(global[key], value);
    return out;
  }
  if (Array.isArray(global) && Array.isArray(local)) return [...global, ...local];
  return local;
}

/** Reads the request of function `logicalId` from a SAM template (YAML or JSON text). */
export function readSamTemplate(source: string, logicalId: string, options: SamReadOptions = {}): SamRead {
  const template = parseTemplate(source);
  const values = new TemplateValues(template.doc);
  const warnings: string[] = [];
  const resourceField = `Resources.${logicalId}`;
  const resource = template.resource(logicalId);
  if (resource === undefined) {
    const functions = Object.keys(template.resources).filter((id) => template.resource(id)?.Type === SERVERLESS_FUNCTION);
    const known = functions.length === 0 ? 'the template has none' : `functions: ${functions.join(', ')}`;
    throw ruleViolation('INVALID_REVISION', resourceField, `is not in the template (${known})`);
  }
  if (resource.Type !== SERVERLESS_FUNCTION) {
    throw ruleViolation('INVALID_REVISION', `${resourceField}.Type`, `must be ${SERVERLESS_FUNCTION}`, resource.Type);
  }
  checkCondition(values, resource.Condition, `${resourceField}.Condition`, warnings);
  const props = isObject(resource.Properties) ? resource.Properties : {};
  const propsField = `${resourceField}.Properties`;
  const globals = isObject(template.doc.Globals) && isObject(template.doc.Globals.Function) ? template.doc.Globals.Function : {};
  /** Where a property comes from: the function, else Globals.Function. */
  const origin = (key: string) => (props[key] === undefined && globals[key] !== undefined ? `Globals.Function.${key}` : `${propsField}.${key}`);

  const dpField = origin('DeploymentPreference');
  const preference = mergeGlobal(globals.DeploymentPreference, props.DeploymentPreference);
  if (preference === undefined) {
    throw ruleViolation('INVALID_DEPLOYMENT_CONFIG', dpField, 'is required: the function has no DeploymentPreference');
  }
  if (!isObject(preference) || intrinsic(preference) !== undefined) {
    throw ruleViolation('INVALID_DEPLOYMENT_CONFIG', dpField, 'must be a map (intrinsic functions cannot be planned)', preference);
  }
  const localDp = isObject(props.DeploymentPreference) ? props.DeploymentPreference : {};
  const dpKey = (key: string) =>
    localDp[key] === undefined && globals.DeploymentPreference !== undefined
      ? `Globals.Function.DeploymentPreference.${key}`
      : `${propsField}.DeploymentPreference.${key}`;

  // As SAM: a disabled preference needs nothing else, not even AutoPublishAlias.
  if (!preferenceEnabled(values, preference.Enabled, dpKey('Enabled'))) {
    throw ruleViolation('INVALID_DEPLOYMENT_CONFIG', dpKey('Enabled'), 'is false: the deployment preference is disabled, so there is nothing to plan');
  }
  checkPassthroughCondition(values, preference.PassthroughCondition, dpKey('PassthroughCondition'));

  const aliasField = origin('AutoPublishAlias');
  const alias = template.resolveParameter(props.AutoPublishAlias ?? globals.AutoPublishAlias, aliasField, 'INVALID_REVISION');
  if (alias === undefined) {
    throw ruleViolation('INVALID_REVISION', aliasField, 'is required: a deployment preference shifts traffic on the alias SAM publishes');
  }
  if (typeof alias !== 'string' || alias.length > 128 || !ALIAS_PATTERN.test(alias)) {
    throw ruleViolation('INVALID_REVISION', aliasField, 'must be an alias name (letters, digits, - or _, not only digits)', alias);
  }

  const typeField = dpKey('Type');
  const type = preferenceType(values, preference.Type, typeField, options.strategyGiven === true);
  if (type.unresolved !== undefined) warnings.push(`${typeField}: ${type.unresolved}; --strategy replaces it`);

  const request: SamRequest = { functionName: functionNameOf(logicalId, resource), alias };
  if (type.predefined) request.strategy = type.name;
  const hooks = readHooks(template, preference.Hooks, dpKey('Hooks'));
  if (hooks !== undefined) request.hooks = hooks;
  const alarms = readAlarms(template, preference.Alarms, dpKey('Alarms'));
  if (alarms !== undefined) request.alarms = alarms;
  const triggers = triggerNotifications(values, preference.TriggerConfigurations, dpKey('TriggerConfigurations'));
  if (triggers.notifications.length > 0) request.notifications = triggers.notifications;
  warnings.push(...triggers.warnings, ...ignoredSettings(preference, dpKey));
  const glidepath = isObject(resource.Metadata) && isObject(resource.Metadata.Glidepath) ? resource.Metadata.Glidepath : undefined;
  if (glidepath?.analysis !== undefined) request.analysis = glidepath.analysis;
  return { request, ...(type.name === undefined ? {} : { deploymentType: type.name }), typeField, warnings };
}

/** A function whose Condition is false with the parameters' defaults is not created: nothing to deploy. */
function checkCondition(values: TemplateValues, condition: unknown, field: string, warnings: string[]): void {
  if (condition === undefined) return;
  if (typeof condition !== 'string') throw ruleViolation('INVALID_REVISION', field, 'must be the name of a condition', condition);
  const r = values.condition(condition);
  if (!r.known) {
    warnings.push(`${field}: ${condition} cannot be evaluated before deployment (${r.why}); planned as if true`);
  } else if (r.value !== true) {
    throw ruleViolation('INVALID_REVISION', field, `is ${condition}, false with the parameters' defaults: the stack does not create this function, so it cannot be deployed`);
  }
}

/**
 * The request to plan: the template's, with `strategy` (from --strategy) taking the place of Type.
 * A custom configuration name has no steps Glidepath can read, so it needs `strategy`. The result
 * is not yet validated: parse it (validate.ts) before planning.
 */
export function samRequestWithStrategy<S = StrategyInput>(
  read: SamRead,
  strategy?: S,
): Omit<SamRequest, 'strategy'> & { strategy: S | string } {
  const chosen = strategy ?? read.request.strategy;
  if (chosen === undefined) {
    throw ruleViolation(
      'INVALID_DEPLOYMENT_CONFIG',
      read.typeField,
      `is the custom deployment configuration ${read.deploymentType ?? '(unresolved)'}, whose steps are not in the template: give the strategy with --strategy`,
      read.deploymentType,
    );
  }
  return { ...read.request, strategy: chosen };
}

/** FunctionName when the template sets it as a literal, else the logical id. */
function functionNameOf(logicalId: string, resource: Obj): string {
  const props = isObject(resource.Properties) ? resource.Properties : {};
  return typeof props.FunctionName === 'string' && props.FunctionName.length > 0 ? props.FunctionName : logicalId;
}

function readHooks(template: Template, raw: unknown, field: string): SamRequest['hooks'] {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw) || intrinsic(raw) !== undefined) {
    throw ruleViolation('INVALID_REQUEST', field, 'must be a map with PreTraffic and/or PostTraffic', raw);
  }
  const hooks: NonNullable<SamRequest['hooks']> = {};
  for (const [key, value] of Object.entries(raw)) {
    const at = `${field}.${key}`;
    const event = (HOOK_KEYS as Record<string, 'beforeAllowTraffic' | 'afterAllowTraffic'>)[key];
    if (event === undefined) throw ruleViolation('INVALID_REQUEST', at, 'is not a SAM hook (only PreTraffic and PostTraffic)');
    hooks[event] = hookFunction(template, value, at);
  }
  return Object.keys(hooks).length === 0 ? undefined : hooks;
}

/** A hook: a name or ARN, `!Ref` / `!GetAtt X.Arn` to a function in the template, or `!Ref` to a parameter. */
function hookFunction(template: Template, raw: unknown, field: string): string {
  const value = template.resolveParameter(raw, field, 'INVALID_REQUEST');
  const rule = 'must be a function name or ARN, or !Ref to a function in this template';
  let target: string | undefined;
  if (intrinsic(value) === 'Ref') target = String((value as Obj).Ref);
  else if (intrinsic(value) === 'Fn::GetAtt') {
    const args = (value as Obj)['Fn::GetAtt'];
    if (Array.isArray(args) && args[1] === 'Arn' && typeof args[0] === 'string') target = args[0];
    else throw ruleViolation('INVALID_REQUEST', field, rule, value);
  }
  if (target !== undefined) {
    const resource = template.resource(target);
    if (resource === undefined || !FUNCTION_TYPES.includes(String(resource.Type))) {
      throw ruleViolation('INVALID_REQUEST', field, `${rule} (${target} is not one)`, value);
    }
    return functionNameOf(target, resource);
  }
  if (typeof value !== 'string' || value.length > 140 || !FUNCTION_NAME_PATTERN.test(value)) {
    throw ruleViolation('INVALID_REQUEST', field, rule, value);
  }
  return value;
}

function readAlarms(template: Template, raw: unknown, field: string): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw ruleViolation('INVALID_ALARM_CONFIG', field, 'must be a list of alarm names', raw);
  return raw.map((item, index) => alarmName(template, item, `${field}[${index}]`));
}

/** An alarm: a name, `!Ref` to an alarm in the template (its AlarmName, else its logical id), or to a parameter. */
function alarmName(template: Template, raw: unknown, field: string): string {
  const value = template.resolveParameter(raw, field, 'INVALID_ALARM_CONFIG');
  const rule = 'must be an alarm name or !Ref to an AWS::CloudWatch::Alarm in this template';
  if (intrinsic(value) === 'Ref') {
    const target = String((value as Obj).Ref);
    const resource = template.resource(target);
    if (resource === undefined || resource.Type !== ALARM_TYPE) {
      throw ruleViolation('INVALID_ALARM_CONFIG', field, `${rule} (${target} is not one)`, value);
    }
    const props = isObject(resource.Properties) ? resource.Properties : {};
    return typeof props.AlarmName === 'string' && props.AlarmName.length > 0 ? props.AlarmName : target;
  }
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ALARM_NAME) {
    throw ruleViolation('INVALID_ALARM_CONFIG', field, rule, value);
  }
  return value;
}
