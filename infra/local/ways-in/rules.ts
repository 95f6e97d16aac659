/**
 * The EventBridge rules of template.yaml, as CloudFormation would create them for given parameter
 * values: `AWS::Events::Rule` resources (with their Condition) and SAM functions' `EventBridgeRule`
 * / `CloudWatchEvent` events. Enough of CloudFormation's intrinsics is evaluated for that: Ref
 * (parameters, pseudo parameters, AWS::NoValue), Fn::If / Equals / Not / And / Or / Condition,
 * Fn::Join / Split / Select / Sub, Fn::GetAtt of a function's Arn, Ref of the state machine (its ARN).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { yamlParse } from 'yaml-cfn';
import { PROJECT_ROOT } from '../stack.ts';

type Json = unknown;
type Dict = Record<string, Json>;

export interface RuleTarget {
  id: string;
  /** The target's ARN as the template resolves it (a local function ARN for the stack's functions). */
  arn: string;
  /** The logical id of the stack function it names, if any. */
  functionLogicalId?: string;
  /** A constant `Input` (JSON text) instead of the event. */
  input?: string;
}

export interface Rule {
  logicalId: string;
  eventBusName: string;
  pattern: Dict;
  enabled: boolean;
  targets: RuleTarget[];
}

export interface TemplateContext {
  region: string;
  accountId: string;
  stackName: string;
  /** Parameter values as given (CommaDelimitedList values as lists); absent ones take their Default. */
  parameters: Record<string, string | string[]>;
  /** Logical id of a function → its local ARN. */
  functionArn(logicalId: string): string | undefined;
  /** What `Ref` of another resource gives locally (the state machine's ARN), if anything. */
  resourceRef?(logicalId: string): string | undefined;
}

const NO_VALUE = Symbol('AWS::NoValue');
const isDict = (v: unknown): v is Dict => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface ParsedTemplate {
  Parameters?: Record<string, { Type?: string; Default?: unknown }>;
  Conditions?: Dict;
  Resources: Record<string, { Type: string; Condition?: string; Properties?: Dict }>;
}

export function loadTemplate(path = join(PROJECT_ROOT, 'template.yaml')): ParsedTemplate {
  return yamlParse(readFileSync(path, 'utf8')) as ParsedTemplate;
}

class Evaluator {
  readonly #conditions = new Map<string, boolean>();

  constructor(
    readonly template: ParsedTemplate,
    readonly ctx: TemplateContext,
  ) {}

  parameter(name: string): string | string[] | undefined {
    const declared = this.template.Parameters?.[name];
    const given = this.ctx.parameters[name];
    const raw = given ?? (declared?.Default === undefined ? undefined : String(declared.Default));
    if (raw === undefined) return undefined;
    const isList = declared?.Type === 'CommaDelimitedList' || declared?.Type?.startsWith('List<');
    if (!isList) return Array.isArray(raw) ? raw.join(',') : raw;
    if (Array.isArray(raw)) return raw;
    return raw.split(',').map((s) => s.trim());
  }

  ref(name: string): unknown {
    switch (name) {
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::Region':
        return this.ctx.region;
      case 'AWS::AccountId':
        return this.ctx.accountId;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::StackName':
        return this.ctx.stackName;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
    }
    const p = this.parameter(name);
    if (p !== undefined) return p;
    const fn = this.ctx.functionArn(name);
    if (fn !== undefined) return fn.split(':').pop();
    const local = this.ctx.resourceRef?.(name);
    if (local !== undefined) return local;
    return name;
  }

  condition(name: string): boolean {
    let value = this.#conditions.get(name);
    if (value === undefined) {
      const expr = this.template.Conditions?.[name];
      if (expr === undefined) throw new Error(`template.yaml: condition ${name} is not defined`);
      value = Boolean(this.eval(expr));
      this.#conditions.set(name, value);
    }
    return value;
  }

  getAtt(id: string, attribute: string): unknown {
    const fn = this.ctx.functionArn(id);
    if (fn !== undefined && attribute === 'Arn') return fn;
    return `arn:aws:local:${this.ctx.region}:${this.ctx.accountId}:${id}/${attribute}`;
  }

  sub(text: string, vars: Dict): string {
    return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
      if (name in vars) return String(vars[name]);
      if (name.includes('.')) {
        const [id, attribute] = name.split('.') as [string, string];
        return String(this.getAtt(id, attribute));
      }
      const value = this.ref(name);
      return Array.isArray(value) ? value.join(',') : String(value);
    });
  }

  eval(node: Json): unknown {
    if (Array.isArray(node)) return node.map((n) => this.eval(n)).filter((v) => v !== NO_VALUE);
    if (!isDict(node)) return node;
    const keys = Object.keys(node);
    if (keys.length === 1) {
      const [key] = keys as [string];
      const arg = node[key];
      const args = Array.isArray(arg) ? arg : [arg];
      switch (key) {
        case 'Ref':
          return this.ref(String(arg));
        case 'Condition':
          return this.condition(String(arg));
        case 'Fn::If':
          return this.condition(String(args[0])) ? this.eval(args[1]) : this.eval(args[2]);
        case 'Fn::Equals':
          return JSON.stringify(this.eval(args[0])) === JSON.stringify(this.eval(args[1]));
        case 'Fn::Not':
          return !this.eval(args[0]);
        case 'Fn::And':
          return args.every((a) => Boolean(this.eval(a)));
        case 'Fn::Or':
          return args.some((a) => Boolean(this.eval(a)));
        case 'Fn::Join':
          return (this.eval(args[1]) as unknown[]).map(String).join(String(args[0]));
        case 'Fn::Split':
          return String(this.eval(args[1])).split(String(args[0]));
        case 'Fn::Select':
          return (this.eval(args[1]) as unknown[])[Number(this.eval(args[0]))];
        case 'Fn::Sub':
          return typeof arg === 'string' ? this.sub(arg, {}) : this.sub(String(args[0]), (this.eval(args[1] ?? {}) as Dict) ?? {});
        case 'Fn::GetAtt': {
          const [id, attribute] = typeof arg === 'string' ? (arg.split('.') as [string, string]) : (args as [string, string]);
          return this.getAtt(id, attribute);
        }
      }
    }
    const out: Dict = {};
    for (const [k, v] of Object.entries(node)) {
      const value = this.eval(v);
      if (value !== NO_VALUE) out[k] = value;
    }
    return out;
  }
}

function pattern(raw: unknown): Dict {
  const value = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw;
  if (!isDict(value)) throw new Error('template.yaml: an EventPattern must be an object');
  return value;
}

/** The rules CloudFormation would create from the template with these parameters. */
export function templateRules(template: ParsedTemplate, ctx: TemplateContext): Rule[] {
  const ev = new Evaluator(template, ctx);
  const rules: Rule[] = [];
  const functionIdOf = (arn: string) => Object.keys(template.Resources).find((id) => ctx.functionArn(id) === arn);
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Condition && !ev.condition(resource.Condition)) continue;
    if (resource.Type === 'AWS::Events::Rule') {
      const props = ev.eval(resource.Properties ?? {}) as Dict;
      if (props.EventPattern === undefined) continue; // a scheduled rule
      const targets = ((props.Targets as Dict[] | undefined) ?? []).map((t) => {
        const arn = String(t.Arn);
        const fnId = functionIdOf(arn);
        return { id: String(t.Id), arn, ...(fnId ? { functionLogicalId: fnId } : {}), ...(typeof t.Input === 'string' ? { input: t.Input } : {}) };
      });
      rules.push({
        logicalId: id,
        eventBusName: String(props.EventBusName ?? 'default').split('/').pop()!,
        pattern: pattern(props.EventPattern),
        enabled: (props.State ?? 'ENABLED') === 'ENABLED',
        targets,
      });
    } else if (resource.Type === 'AWS::Serverless::Function') {
      const events = (resource.Properties?.Events ?? {}) as Record<string, { Type?: string; Properties?: Dict }>;
      for (const [name, event] of Object.entries(events)) {
        if (event.Type !== 'EventBridgeRule' && event.Type !== 'CloudWatchEvent') continue;
        const props = ev.eval(event.Properties ?? {}) as Dict;
        const arn = ctx.functionArn(id);
        if (!arn || props.Pattern === undefined) continue;
        rules.push({
          logicalId: `${id}${name}`,
          eventBusName: String(props.EventBusName ?? 'default').split('/').pop()!,
          pattern: pattern(props.Pattern),
          enabled: (props.State ?? 'ENABLED') === 'ENABLED' && props.Enabled !== false,
          targets: [{ id: `${id}${name}Target`, arn, functionLogicalId: id, ...(typeof props.Input === 'string' ? { input: props.Input } : {}) }],
        });
      }
    }
  }
  return rules;
}
