/**
 * Resource types, property names and attribute names checked against `@aws-cdk/aws-service-spec`
 * (the CloudFormation registry schemas plus SAM's types), the offline stand-in for cfn-lint.
 *
 * The SAM part of that database comes from SAM's old resource specification and lags SAM itself:
 * `SAM_PROPERTIES_NOT_IN_SPEC` adds the properties SAM accepts today (samtranslator
 * `sam_resources.py`, `SamFunction`/`SamStateMachine.property_types`, aws/serverless-application-model
 * at 7000d0a, 2026-05), each typed like the CloudFormation property SAM passes it to.
 */
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import type { PropertyType, Resource as SpecResource, SpecDatabase, TypeDefinition } from '@aws-cdk/service-spec-types';
import { intrinsicName, isDict, SAM_EXPANDS_TO, SAM_FUNCTION, SAM_STATE_MACHINE, type Template } from './template.ts';

type Borrowed = { from: string; property: string };
type ExtraProperty = PropertyType | Borrowed;

const str: PropertyType = { type: 'string' };
const bool: PropertyType = { type: 'boolean' };
const json: PropertyType = { type: 'json' };
const lambda = (property: string): Borrowed => ({ from: 'AWS::Lambda::Function', property });

export const SAM_PROPERTIES_NOT_IN_SPEC: Record<string, Record<string, ExtraProperty>> = {
  [SAM_FUNCTION]: {
    RolePath: str,
    PropagateTags: bool,
    AutoPublishAliasAllProperties: bool,
    SnapStart: lambda('SnapStart'),
    RuntimeManagementConfig: lambda('RuntimeManagementConfig'),
    LoggingConfig: lambda('LoggingConfig'),
    RecursiveLoop: lambda('RecursiveLoop'),
    SourceKMSKeyArn: str,
    CapacityProviderConfig: lambda('CapacityProviderConfig'),
    FunctionScalingConfig: lambda('FunctionScalingConfig'),
    VersionDeletionPolicy: str,
    PublishToLatestPublished: lambda('PublishToLatestPublished'),
    TenancyConfig: lambda('TenancyConfig'),
    DurableConfig: lambda('DurableConfig'),
  },
  [SAM_STATE_MACHINE]: {
    RolePath: str,
    PropagateTags: bool,
    PermissionsBoundary: str,
    AutoPublishAlias: str,
    DeploymentPreference: json,
    UseAliasAsEventTarget: bool,
  },
};

/** The properties SAM accepts in `Globals` (samtranslator `plugins/globals/globals.py`, same commit). */
export const SAM_GLOBALS: Record<string, { type: string; properties: string[] }> = {
  Function: {
    type: SAM_FUNCTION,
    properties: [
      'Handler', 'Runtime', 'CodeUri', 'DeadLetterQueue', 'Description', 'MemorySize', 'Timeout', 'VpcConfig',
      'Environment', 'Tags', 'PropagateTags', 'Tracing', 'KmsKeyArn', 'AutoPublishAlias', 'AutoPublishAliasAllProperties',
      'Layers', 'DeploymentPreference', 'RolePath', 'PermissionsBoundary', 'ReservedConcurrentExecutions',
      'ProvisionedConcurrencyConfig', 'AssumeRolePolicyDocument', 'EventInvokeConfig', 'FileSystemConfigs',
      'CodeSigningConfigArn', 'Architectures', 'SnapStart', 'EphemeralStorage', 'FunctionUrlConfig',
      'RuntimeManagementConfig', 'LoggingConfig', 'RecursiveLoop', 'SourceKMSKeyArn', 'TenancyConfig', 'DurableConfig',
      'CapacityProviderConfig', 'FunctionScalingConfig', 'PublishToLatestPublished', 'VersionDeletionPolicy',
    ],
  },
  StateMachine: { type: SAM_STATE_MACHINE, properties: ['PropagateTags'] },
};

const RESOURCE_KEYS = new Set(['Type', 'Properties', 'Metadata', 'DependsOn', 'Condition', 'DeletionPolicy', 'UpdateReplacePolicy', 'UpdatePolicy', 'CreationPolicy', 'IgnoreGlobals']);
const DELETION_POLICIES = new Set(['Delete', 'Retain', 'RetainExceptOnCreate', 'Snapshot']);

export class Spec {
  private readonly resources = new Map<string, SpecResource | undefined>();
  constructor(private readonly db: SpecDatabase) {}

  static load(): Spec {
    return new Spec(loadAwsServiceSpecSync());
  }

  resource(type: string): SpecResource | undefined {
    if (!this.resources.has(type)) this.resources.set(type, this.db.lookup('resource', 'cloudFormationType', 'equals', type)[0]);
    return this.resources.get(type);
  }

  typeDefinition(type: PropertyType & { type: 'ref' }): TypeDefinition {
    return this.db.get('typeDefinition', type.reference);
  }

  /** The attributes GetAtt may read on a type (a SAM type answers with what it expands to). */
  attributes(type: string): string[] | undefined {
    const resource = this.resource(SAM_EXPANDS_TO[type] ?? type);
    return resource ? Object.keys(resource.attributes) : undefined;
  }

  /** The type of `property` on resource `type`, SAM's additions included. */
  propertyType(type: string, property: string): PropertyType | undefined {
    const extra = SAM_PROPERTIES_NOT_IN_SPEC[type]?.[property];
    if (extra && 'from' in extra) return this.resource(extra.from)?.properties[extra.property]?.type;
    if (extra) return extra;
    return this.resource(type)?.properties[property]?.type;
  }

  /** Problems of `value` against `type`; intrinsic functions are taken as valid (unknown until deploy). */
  validate(value: unknown, type: PropertyType, path: string, requiredChecks: boolean): string[] {
    if (intrinsicName(value)) return [];
    switch (type.type) {
      case 'json':
      case 'null':
        return [];
      case 'string':
      case 'date-time':
        if (!['string', 'number', 'boolean'].includes(typeof value)) return [`${path}: expected a string, got ${describe(value)}`];
        if (type.type === 'string' && type.allowedValues?.length && !type.allowedValues.includes(String(value))) {
          return [`${path}: ${JSON.stringify(value)} is not one of ${type.allowedValues.join(', ')}`];
        }
        return [];
      case 'number':
      case 'integer':
        return typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))
          ? []
          : [`${path}: expected a number, got ${describe(value)}`];
      case 'boolean':
        return typeof value === 'boolean' || value === 'true' || value === 'false' ? [] : [`${path}: expected a boolean, got ${describe(value)}`];
      case 'tag':
        return isDict(value) ? [] : [`${path}: expected a tag {Key, Value}, got ${describe(value)}`];
      case 'array':
        if (!Array.isArray(value)) return [`${path}: expected a list, got ${describe(value)}`];
        return value.flatMap((item, i) => this.validate(item, type.element, `${path}[${i}]`, requiredChecks));
      case 'map':
        if (!isDict(value)) return [`${path}: expected a map, got ${describe(value)}`];
        return Object.entries(value).flatMap(([k, v]) => this.validate(v, type.element, `${path}.${k}`, requiredChecks));
      case 'ref':
        return this.validateObject(value, this.typeDefinition(type), path, requiredChecks);
      case 'union': {
        let best: string[] | undefined;
        for (const member of type.types) {
          const problems = this.validate(value, member, path, requiredChecks);
          if (problems.length === 0) return [];
          if (!best || problems.length < best.length) best = problems;
        }
        return best ?? [];
      }
      default:
        return [];
    }
  }

  private validateObject(value: unknown, definition: TypeDefinition, path: string, requiredChecks: boolean): string[] {
    if (!isDict(value)) return [`${path}: expected ${definition.name} (an object), got ${describe(value)}`];
    const problems: string[] = [];
    for (const [key, child] of Object.entries(value)) {
      const property = definition.properties[key];
      if (!property) problems.push(`${path}.${key}: unknown property of ${definition.name} (known: ${Object.keys(definition.properties).join(', ')})`);
      else problems.push(...this.validate(child, property.type, `${path}.${key}`, requiredChecks));
    }
    if (requiredChecks) {
      for (const [key, property] of Object.entries(definition.properties)) {
        if (property.required && !(key in value)) problems.push(`${path}.${key}: required by ${definition.name}`);
      }
    }
    return problems;
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/** Every resource's type, attributes and properties, and SAM's Globals, against the spec. */
export function checkResourceSpec(template: Template, spec: Spec): string[] {
  const problems: string[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    const path = `Resources.${id}`;
    for (const key of Object.keys(resource)) if (!RESOURCE_KEYS.has(key)) problems.push(`${path}.${key}: not a resource attribute`);
    if (resource.DeletionPolicy !== undefined && !DELETION_POLICIES.has(String(resource.DeletionPolicy))) {
      problems.push(`${path}.DeletionPolicy: ${JSON.stringify(resource.DeletionPolicy)} is not one of ${[...DELETION_POLICIES].join(', ')}`);
    }
    if (resource.UpdateReplacePolicy !== undefined && !DELETION_POLICIES.has(String(resource.UpdateReplacePolicy))) {
      problems.push(`${path}.UpdateReplacePolicy: ${JSON.stringify(resource.UpdateReplacePolicy)} is not a deletion policy`);
    }
    if (typeof resource.Type !== 'string') {
      problems.push(`${path}.Type: missing`);
      continue;
    }
    if (resource.Type.startsWith('Custom::')) continue;
    const definition = spec.resource(resource.Type);
    if (!definition) {
      problems.push(`${path}.Type: ${resource.Type} is not a known resource type`);
      continue;
    }
    const isSam = resource.Type.startsWith('AWS::Serverless::');
    const props = resource.Properties ?? {};
    if (!isDict(props)) {
      problems.push(`${path}.Properties: expected an object`);
      continue;
    }
    problems.push(...checkProperties(spec, resource.Type, props, `${path}.Properties`, !isSam));
  }
  for (const [section, values] of Object.entries(template.Globals ?? {})) {
    const globals = SAM_GLOBALS[section];
    if (!globals) {
      problems.push(`Globals.${section}: not checked here (add it to SAM_GLOBALS in infra/checks/spec.ts)`);
      continue;
    }
    for (const key of Object.keys(values ?? {})) {
      if (!globals.properties.includes(key)) problems.push(`Globals.${section}.${key}: SAM does not accept ${key} in Globals.${section}`);
    }
    problems.push(...checkProperties(spec, globals.type, values ?? {}, `Globals.${section}`, false));
  }
  return problems;
}

function checkProperties(spec: Spec, type: string, props: Record<string, unknown>, path: string, requiredChecks: boolean): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(props)) {
    const propertyType = spec.propertyType(type, key);
    if (!propertyType) problems.push(`${path}.${key}: unknown property of ${type}`);
    else problems.push(...spec.validate(value, propertyType, `${path}.${key}`, requiredChecks));
  }
  if (requiredChecks) {
    for (const [key, property] of Object.entries(spec.resource(type)?.properties ?? {})) {
      if (property.required && !(key in props)) problems.push(`${path}.${key}: required by ${type}`);
    }
  }
  return problems;
}
