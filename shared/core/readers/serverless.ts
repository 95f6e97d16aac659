/**
 * serverless.yml → the deployment request of one function, from the `deploymentSettings` of
 * serverless-plugin-canary-deployments: `type`, `alias`, `preTrafficHook`, `postTrafficHook`,
 * `alarms`, `triggerConfigurations`, with the plugin's defaults — `custom.deploymentSettings`
 * merged under each function's own settings (key by key, the function's win), only functions
 * with a `deploymentSettings` of their own deployed gradually, and `custom.deploymentSettings.stages`
 * limiting the stages that are. The plugin writes `CodeDeployDefault.Lambda${type}`, so `type` is a
 * predefined configuration's short name.
 *
 * Names are the Serverless Framework's: a function is deployed as its `name`, else
 * `<service>-<stage>-<key>`; the stage is `provider.stage`, else `dev`. Of the framework's
 * variables, `${self:…}`, `${sls:stage}` and `${opt:…, default}` (its default: there are no
 * command-line options here) are resolved; others cannot be known before `serverless deploy` and are rejected where needed.
 */
import { yamlParse } from 'yaml-cfn';
import { ruleViolation } from '../describe.ts';
import { ALIAS_PATTERN, FUNCTION_NAME_PATTERN, MAX_ALARM_NAME, type Notification } from '../model/request.ts';
import { CODEDEPLOY_CONFIGS } from '../strategies/codedeploy.ts';
import { triggerNotifications } from './sam-preference.ts';
import { TemplateValues } from './template-values.ts';

type Obj = Record<string, unknown>;
const isObject = (value: unknown): value is Obj => value !== null && typeof value === 'object' && !Array.isArray(value);

export interface ServerlessRequest {
  functionName: string;
  alias: string;
  strategy: string;
  hooks?: { beforeAllowTraffic?: string; afterAllowTraffic?: string };
  alarms?: string[];
  notifications?: Notification[];
}

export interface ServerlessRead {
  request: ServerlessRequest;
  warnings: string[];
  stage: string;
}

const DEFAULT_STAGE = 'dev';
const VARIABLE = /\$\{([^{}]+)\}/g;

class Variables {
  constructor(
    private readonly doc: Obj,
    readonly stage: string,
  ) {}

  #self(path: string): unknown {
    let value: unknown = this.doc;
    for (const key of path.split('.').filter(Boolean)) value = isObject(value) ? value[key] : undefined;
    return value;
  }

  /** `${…}` in a string resolved; throws naming `field` when one cannot be. */
  resolve(value: unknown, field: string, depth = 0): unknown {
    if (Array.isArray(value)) return value.map((item, i) => this.resolve(item, `${field}[${i}]`, depth));
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolve(v, `${field}.${k}`, depth)]));
    if (typeof value !== 'string' || !value.includes('${')) return value;
    if (depth > 10) throw ruleViolation('INVALID_REQUEST', field, 'has variables that refer to each other');
    const whole = /^\$\{([^{}]+)\}$/.exec(value);
    const one = (expr: string): unknown => {
      const [source, ...fallbacks] = expr.split(',').map((p) => p.trim());
      const fallback = fallbacks.length ? fallbacks.join(',').replace(/^['"]|['"]$/g, '') : undefined;
      let found: unknown;
      // No command-line options here: `${opt:…}` takes its default.
      if (source === 'sls:stage') found = this.stage;
      else if (source?.startsWith('self:')) found = this.resolve(this.#self(source.slice(5)), field, depth + 1);
      else if (source?.startsWith('opt:')) found = undefined;
      else throw ruleViolation('INVALID_REQUEST', field, `uses \${${expr}}, which is known only when serverless deploys`, value);
      return found ?? fallback;
    };
    if (whole) return one(whole[1]!);
    return value.replace(VARIABLE, (_, expr: string) => {
      const found = one(expr);
      if (found === undefined) throw ruleViolation('INVALID_REQUEST', field, `\${${expr}} has no value`, value);
      return String(found);
    });
  }
}

function parse(source: string): Obj {
  let doc: unknown;
  try {
    doc = yamlParse(source);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw ruleViolation('INVALID_REQUEST', 'serverless.yml', `must be YAML (${reason})`);
  }
  if (!isObject(doc)) throw ruleViolation('INVALID_REQUEST', 'serverless.yml', 'must be a map with service and functions', doc);
  if (!isObject(doc.functions)) throw ruleViolation('INVALID_REQUEST', 'functions', 'is required (a map of functions)', doc.functions);
  return doc;
}

function text(vars: Variables, value: unknown, field: string): string | undefined {
  const resolved = vars.resolve(value, field);
  if (resolved === undefined || resolved === null) return undefined;
  if (typeof resolved !== 'string' && typeof resolved !== 'number') throw ruleViolation('INVALID_REQUEST', field, 'must be a string', resolved);
  return String(resolved);
}

/** Reads the request of function `key` (its key under `functions`). */
export function readServerless(source: string, key: string): ServerlessRead {
  const doc = parse(source);
  const functions = doc.functions as Obj;
  const fn = functions[key];
  if (!isObject(fn)) {
    const gradual = Object.keys(functions).filter((k) => isObject(functions[k]) && (functions[k] as Obj).deploymentSettings !== undefined);
    throw ruleViolation('INVALID_REVISION', `functions.${key}`, `is not in serverless.yml (functions with deploymentSettings: ${gradual.join(', ') || 'none'})`);
  }
  const provider = isObject(doc.provider) ? doc.provider : {};
  const stage = text(new Variables(doc, DEFAULT_STAGE), provider.stage, 'provider.stage') ?? DEFAULT_STAGE;
  const vars = new Variables(doc, stage);
  const custom = isObject(doc.custom) ? doc.custom : {};
  const defaults = isObject(custom.deploymentSettings) ? custom.deploymentSettings : {};
  const at = `functions.${key}.deploymentSettings`;
  if (fn.deploymentSettings === undefined) {
    throw ruleViolation('INVALID_DEPLOYMENT_CONFIG', at, 'is required: the plugin deploys gradually only the functions that have deploymentSettings');
  }
  if (!isObject(fn.deploymentSettings)) throw ruleViolation('INVALID_DEPLOYMENT_CONFIG', at, 'must be a map', fn.deploymentSettings);
  const settings: Obj = { ...defaults, ...fn.deploymentSettings };
  /** Where a setting was read: the function's own settings, else custom.deploymentSettings. */
  const field = (name: string) => ((fn.deploymentSettings as Obj)[name] === undefined && defaults[name] !== undefined ? `custom.deploymentSettings.${name}` : `${at}.${name}`);

  const stages = vars.resolve(defaults.stages, 'custom.deploymentSettings.stages');
  if (Array.isArray(stages) && stages.length > 0 && !stages.map(String).includes(stage)) {
    throw ruleViolation('INVALID_DEPLOYMENT_CONFIG', 'custom.deploymentSettings.stages', `does not include stage ${stage}: the plugin deploys this stage all at once, with no alias to shift`);
  }

  const type = text(vars, settings.type, field('type'));
  if (type === undefined) throw ruleViolation('INVALID_DEPLOYMENT_CONFIG', field('type'), 'is required (a CodeDeploy configuration such as Canary10Percent5Minutes)');
  if (!Object.hasOwn(CODEDEPLOY_CONFIGS, type)) {
    throw ruleViolation(
      'INVALID_DEPLOYMENT_CONFIG',
      field('type'),
      `must be one of ${Object.keys(CODEDEPLOY_CONFIGS).join(', ')} (the plugin deploys CodeDeployDefault.Lambda<type>)`,
      type,
    );
  }
  const alias = text(vars, settings.alias, field('alias'));
  if (alias === undefined) throw ruleViolation('INVALID_REVISION', field('alias'), 'is required: the alias the plugin creates and shifts');
  if (alias.length > 128 || !ALIAS_PATTERN.test(alias)) throw ruleViolation('INVALID_REVISION', field('alias'), 'must be an alias name (letters, digits, - or _, not only digits)', alias);

  const deployedName = (fnKey: string, f: string): string => {
    const target = functions[fnKey];
    if (!isObject(target)) throw ruleViolation('INVALID_REQUEST', f, `must name a function of serverless.yml (${fnKey} is not one)`, fnKey);
    const service = isObject(doc.service) ? doc.service.name : doc.service;
    const name = text(vars, target.name, `functions.${fnKey}.name`) ?? `${text(vars, service, 'service') ?? '?'}-${stage}-${fnKey}`;
    if (name.length > 140 || !FUNCTION_NAME_PATTERN.test(name)) throw ruleViolation('INVALID_REQUEST', f, 'must resolve to a Lambda function name', name);
    return name;
  };

  const request: ServerlessRequest = { functionName: deployedName(key, `functions.${key}`), alias, strategy: type };
  const hooks: NonNullable<ServerlessRequest['hooks']> = {};
  const pre = text(vars, settings.preTrafficHook, field('preTrafficHook'));
  if (pre !== undefined) hooks.beforeAllowTraffic = deployedName(pre, field('preTrafficHook'));
  const post = text(vars, settings.postTrafficHook, field('postTrafficHook'));
  if (post !== undefined) hooks.afterAllowTraffic = deployedName(post, field('postTrafficHook'));
  if (Object.keys(hooks).length > 0) request.hooks = hooks;

  const resources = isObject(doc.resources) ? doc.resources : {};
  const alarms = readAlarms(vars, settings.alarms, field('alarms'), isObject(resources.Resources) ? resources.Resources : {});
  if (alarms !== undefined) request.alarms = alarms;

  const warnings: string[] = [];
  const triggers = triggerNotifications(new TemplateValues(resources), vars.resolve(settings.triggerConfigurations, field('triggerConfigurations')), field('triggerConfigurations'));
  if (triggers.notifications.length > 0) request.notifications = triggers.notifications;
  warnings.push(...triggers.warnings);
  if (settings.codeDeployRole !== undefined) warnings.push(`${field('codeDeployRole')}: ignored (CodeDeploy's service role; Glidepath shifts traffic with its own functions' roles)`);
  return { request, warnings, stage };
}

/** A string is an alarm's logical id in `resources.Resources` (its AlarmName); `{name}` is the alarm's name. */
function readAlarms(vars: Variables, raw: unknown, field: string, resources: Obj): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw ruleViolation('INVALID_ALARM_CONFIG', field, 'must be a list of alarm logical ids or {name: …}', raw);
  return raw.map((item, i) => {
    const at = `${field}[${i}]`;
    if (isObject(item)) {
      const name = text(vars, item.name, `${at}.name`);
      if (name === undefined || name.length === 0 || name.length > MAX_ALARM_NAME) throw ruleViolation('INVALID_ALARM_CONFIG', `${at}.name`, 'must be an alarm name', item.name);
      return name;
    }
    const id = text(vars, item, at);
    const resource = id === undefined ? undefined : resources[id];
    if (!isObject(resource) || resource.Type !== 'AWS::CloudWatch::Alarm') {
      throw ruleViolation('INVALID_ALARM_CONFIG', at, `must be the logical id of an AWS::CloudWatch::Alarm in resources.Resources, or {name: <alarm name>} (${id ?? '?'} is not one)`, item);
    }
    const props = isObject(resource.Properties) ? resource.Properties : {};
    const name = text(vars, props.AlarmName, `resources.Resources.${id}.Properties.AlarmName`);
    if (name === undefined || name.includes('${')) {
      throw ruleViolation('INVALID_ALARM_CONFIG', at, `${id} sets no literal AlarmName, so CloudFormation names it at deploy time: give {name: <alarm name>}`);
    }
    return name;
  });
}
