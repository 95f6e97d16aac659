/**
 * template.yaml as data: parsing (yaml-cfn keeps `!Ref`/`!GetAtt`/`!Sub` as their JSON forms),
 * intrinsic functions, SAM's Globals and the resources SAM generates from its own types. Every
 * offline check of the template starts here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { yamlParse } from 'yaml-cfn';

export type Dict = Record<string, unknown>;

export interface Resource {
  Type: string;
  Properties?: Dict;
  Metadata?: Dict;
  DependsOn?: string | string[];
  Condition?: string;
  [attribute: string]: unknown;
}

export interface Template {
  Transform?: string | string[];
  Parameters?: Record<string, Dict>;
  Conditions?: Dict;
  Mappings?: Dict;
  Globals?: Record<string, Dict>;
  Resources: Record<string, Resource>;
  Outputs?: Record<string, Dict>;
  [section: string]: unknown;
}

export const TEMPLATE_FILE = 'template.yaml';

export function loadTemplate(root: string, file = TEMPLATE_FILE): Template {
  return parseTemplate(readFileSync(join(root, file), 'utf8'));
}

export function parseTemplate(text: string): Template {
  const parsed = yamlParse(text) as Template;
  if (!parsed || typeof parsed !== 'object' || !parsed.Resources) throw new Error('template: no Resources section');
  return parsed;
}

export const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

const INTRINSICS = new Set([
  'Ref',
  'Condition',
  'Fn::Base64',
  'Fn::Cidr',
  'Fn::FindInMap',
  'Fn::GetAtt',
  'Fn::GetAZs',
  'Fn::If',
  'Fn::ImportValue',
  'Fn::Join',
  'Fn::Length',
  'Fn::Select',
  'Fn::Split',
  'Fn::Sub',
  'Fn::ToJsonString',
  'Fn::Transform',
  'Fn::Equals',
  'Fn::Not',
  'Fn::And',
  'Fn::Or',
]);

export function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{Ref: …}`, `{"Fn::GetAtt": …}` and the other one-key intrinsic forms. */
export function intrinsicName(value: unknown): string | undefined {
  if (!isDict(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 && INTRINSICS.has(keys[0]!) ? keys[0] : undefined;
}

/** Calls `visit` for every value in `value` (depth first), with its path. */
export function walk(value: unknown, path: string, visit: (value: unknown, path: string) => void): void {
  visit(value, path);
  if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${path}[${i}]`, visit));
  else if (isDict(value)) for (const [key, child] of Object.entries(value)) walk(child, `${path}.${key}`, visit);
}

/** The `${Name}` / `${Resource.Attribute}` placeholders of an `Fn::Sub` string (`${!Literal}` excluded). */
export function subPlaceholders(text: string): string[] {
  return [...text.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]!.trim()).filter((name) => !name.startsWith('!'));
}

export const SAM_FUNCTION = 'AWS::Serverless::Function';
export const SAM_STATE_MACHINE = 'AWS::Serverless::StateMachine';

/** The CloudFormation type a SAM resource becomes under its own logical id (what Ref/GetAtt reach). */
export const SAM_EXPANDS_TO: Record<string, string> = {
  [SAM_FUNCTION]: 'AWS::Lambda::Function',
  [SAM_STATE_MACHINE]: 'AWS::StepFunctions::StateMachine',
  'AWS::Serverless::SimpleTable': 'AWS::DynamoDB::Table',
  'AWS::Serverless::LayerVersion': 'AWS::Lambda::LayerVersion',
  'AWS::Serverless::Api': 'AWS::ApiGateway::RestApi',
  'AWS::Serverless::HttpApi': 'AWS::ApiGatewayV2::Api',
  'AWS::Serverless::Application': 'AWS::CloudFormation::Stack',
};

export function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/**
 * Every logical id a Ref or GetAtt may name after the SAM transform, with its CloudFormation type:
 * the template's own resources (SAM types replaced by what they become) and the resources SAM
 * generates next to them (names as in samtranslator: `<Id>Role`, `<Id>Url`, …).
 */
export function resolvableResources(template: Template): Map<string, string> {
  const ids = new Map<string, string>();
  for (const [id, resource] of Object.entries(template.Resources)) {
    ids.set(id, SAM_EXPANDS_TO[resource.Type] ?? resource.Type);
    const props = resource.Properties ?? {};
    if (resource.Type === SAM_FUNCTION) {
      if (props.Role === undefined) ids.set(`${id}Role`, 'AWS::IAM::Role');
      const url = props.FunctionUrlConfig;
      if (isDict(url)) {
        ids.set(`${id}Url`, 'AWS::Lambda::Url');
        if (url.AuthType === 'NONE') {
          ids.set(`${id}UrlPublicPermissions`, 'AWS::Lambda::Permission');
          ids.set(`${id}URLInvokeAllowPublicAccess`, 'AWS::Lambda::Permission');
        }
      }
      if (props.AutoPublishAlias !== undefined) {
        ids.set(`${id}.Alias`, 'AWS::Lambda::Alias');
        ids.set(`${id}.Version`, 'AWS::Lambda::Version');
      }
    }
    if (resource.Type === SAM_STATE_MACHINE && props.Role === undefined) ids.set(`${id}Role`, 'AWS::IAM::Role');
  }
  return ids;
}

/** SAM's merge of Globals into a resource: maps merge (the resource wins), lists append, scalars override. */
export function mergeGlobals(globals: unknown, own: unknown): unknown {
  if (globals === undefined) return own;
  if (own === undefined) return globals;
  if (intrinsicName(own) || intrinsicName(globals)) return own;
  if (Array.isArray(globals) && Array.isArray(own)) return [...globals, ...own];
  if (isDict(globals) && isDict(own)) {
    const merged: Dict = { ...globals };
    for (const [key, value] of Object.entries(own)) merged[key] = mergeGlobals(globals[key], value);
    return merged;
  }
  return own;
}

/** A SAM function's properties as SAM sees them, Globals.Function merged in. */
export function effectiveFunctionProperties(template: Template, id: string): Dict {
  const resource = template.Resources[id];
  if (!resource || resource.Type !== SAM_FUNCTION) throw new Error(`template: ${id} is not an ${SAM_FUNCTION}`);
  return mergeGlobals(template.Globals?.Function ?? {}, resource.Properties ?? {}) as Dict;
}
