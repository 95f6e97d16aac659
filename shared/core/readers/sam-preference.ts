/**
 * The parts of a SAM DeploymentPreference the AWS SAM translator resolves or validates before it
 * writes the CodeDeploy deployment group (samtranslator model/sam_resources.py,
 * model/preferences/): Enabled, Type and PassthroughCondition from parameter defaults and
 * Mappings, TriggerConfigurations (SNS topics told of deployment events: Glidepath's notifications),
 * and Role (CodeDeploy's service role, which has no use here).
 */
import { ruleViolation } from '../describe.ts';
import type { Notification, NotificationEvent } from '../model/request.ts';
import { TOPIC_ARN_PATTERN } from '../model/request.ts';
import { codeDeployShortName } from '../strategies/codedeploy.ts';
import type { TemplateValues } from './template-values.ts';

type Obj = Record<string, unknown>;
const isObject = (value: unknown): value is Obj => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Enabled as SAM reads it after parameter refs and FindInMap: false, "false" and "False" disable.
 * SAM takes any other value for true; here only true/"true" in any case does, so a typo is not
 * read as consent to deploy.
 */
export function preferenceEnabled(values: TemplateValues, raw: unknown, field: string): boolean {
  if (raw === undefined) return true;
  const r = values.resolve(raw);
  if (!r.known) throw ruleViolation('INVALID_DEPLOYMENT_CONFIG', field, `cannot be resolved before deployment (${r.why}): give true or false`, raw);
  if (r.value === false || (typeof r.value === 'string' && r.value.toLowerCase() === 'false')) return false;
  if (r.value === true || (typeof r.value === 'string' && r.value.toLowerCase() === 'true')) return true;
  throw ruleViolation('INVALID_DEPLOYMENT_CONFIG', field, 'must be true or false (a boolean, "true"/"false", or !Ref / !FindInMap giving one)', r.value);
}

/** PassthroughCondition as SAM validates it: a boolean after parameter refs and FindInMap, nothing else. */
export function checkPassthroughCondition(values: TemplateValues, raw: unknown, field: string): void {
  if (raw === undefined) return;
  const r = values.resolve(raw);
  if (!r.known) {
    throw ruleViolation('INVALID_DEPLOYMENT_CONFIG', field, 'supports only FindInMap and parameter Refs among the intrinsic functions (as SAM)', raw);
  }
  if (![true, false, 'true', 'True', 'false', 'False'].includes(r.value as never)) {
    throw ruleViolation('INVALID_DEPLOYMENT_CONFIG', field, 'must be true or false (as SAM)', r.value);
  }
}

export interface PreferenceType {
  /** The name Type resolves to; undefined when it cannot be resolved offline. */
  name?: string;
  /** A CodeDeploy predefined configuration (a strategy Glidepath knows). */
  predefined: boolean;
  /** Why it could not be resolved. */
  unresolved?: string;
}

/** Type after parameter refs, Fn::Sub and FindInMap. With `overridden` (--strategy), an unresolvable Type is not an error. */
export function preferenceType(values: TemplateValues, raw: unknown, field: string, overridden: boolean): PreferenceType {
  if (raw === undefined) {
    if (overridden) return { predefined: false, unresolved: 'no Type' };
    throw ruleViolation('INVALID_DEPLOYMENT_CONFIG', field, 'is required (a deployment configuration name)');
  }
  const r = values.resolve(raw);
  if (!r.known) {
    if (overridden) return { predefined: false, unresolved: r.why };
    throw ruleViolation('INVALID_DEPLOYMENT_CONFIG', field, `cannot be resolved before deployment (${r.why}): give the strategy with --strategy`, raw);
  }
  if (typeof r.value !== 'string' || r.value.length === 0) {
    if (overridden) return { predefined: false, unresolved: `not a name (${JSON.stringify(r.value)})` };
    throw ruleViolation('INVALID_DEPLOYMENT_CONFIG', field, 'must be a deployment configuration name', r.value);
  }
  return { name: r.value, predefined: codeDeployShortName(r.value) !== undefined };
}

/** CodeDeploy's trigger events → Glidepath's notification events (instance events have no Lambda meaning). */
const TRIGGER_EVENTS: Record<string, NotificationEvent[]> = {
  DeploymentStart: ['started'],
  DeploymentSuccess: ['succeeded'],
  DeploymentFailure: ['failed', 'rolledBack'],
  DeploymentStop: ['failed', 'rolledBack'],
  DeploymentRollback: ['rolledBack'],
};

export interface TriggerMapping {
  notifications: Notification[];
  warnings: string[];
}

/** TriggerConfigurations → SNS notifications; a trigger that cannot be mapped is named in a warning. */
export function triggerNotifications(values: TemplateValues, raw: unknown, field: string): TriggerMapping {
  const out: TriggerMapping = { notifications: [], warnings: [] };
  if (raw === undefined || raw === null) return out;
  if (!Array.isArray(raw)) throw ruleViolation('INVALID_REQUEST', field, 'must be a list of trigger configurations', raw);
  raw.forEach((trigger, i) => {
    const at = `${field}[${i}]`;
    if (!isObject(trigger)) throw ruleViolation('INVALID_REQUEST', at, 'must be a map with TriggerEvents and TriggerTargetArn', trigger);
    const arn = values.resolve(trigger.TriggerTargetArn);
    if (!arn.known || typeof arn.value !== 'string' || !TOPIC_ARN_PATTERN.test(arn.value)) {
      const why = arn.known ? `${JSON.stringify(arn.value)} is not an SNS topic ARN` : arn.why;
      out.warnings.push(`${at}.TriggerTargetArn: not mapped to a notification (${why}); list the topic in the request's notifications`);
      return;
    }
    const names = values.resolve(trigger.TriggerEvents);
    const list = names.known && Array.isArray(names.value) ? names.value.map(String) : [];
    const events = [...new Set(list.flatMap((name) => TRIGGER_EVENTS[name] ?? []))];
    const dropped = list.filter((name) => TRIGGER_EVENTS[name] === undefined);
    if (dropped.length > 0) out.warnings.push(`${at}.TriggerEvents: ${dropped.join(', ')} ${dropped.length === 1 ? 'has' : 'have'} no Lambda deployment equivalent: ignored`);
    if (events.length === 0) {
      out.warnings.push(`${at}: no event Glidepath sends: not mapped`);
      return;
    }
    out.notifications.push({ type: 'sns', topicArn: arn.value, events });
  });
  if (out.notifications.length > 0) {
    out.warnings.push(`${field}: mapped to SNS notifications (${out.notifications.map((n) => (n.type === 'sns' ? n.topicArn.split(':').pop() : n.type)).join(', ')})`);
  }
  return out;
}

/** The settings SAM hands to CodeDeploy that have no meaning for Glidepath. */
export function ignoredSettings(preference: Obj, field: (key: string) => string): string[] {
  const warnings: string[] = [];
  if (preference.Role !== undefined) {
    warnings.push(`${field('Role')}: ignored (CodeDeploy's service role; Glidepath shifts traffic with its own functions' roles)`);
  }
  return warnings;
}

