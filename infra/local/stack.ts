/**
 * Reads the deployable stack (template.yaml) so the local engine runs exactly what SAM deploys:
 * the state machine's DefinitionUri and DefinitionSubstitutions, the functions they name (each
 * bound to its handler source under functions/), and the table's key schema and indexes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { yamlParse } from 'yaml-cfn';
import { PROJECT_ROOT } from './package-root.ts';

export { PROJECT_ROOT };

export interface StackFunction {
  logicalId: string;
  /** Folder under the project, e.g. `functions/prepare`. */
  codeUri: string;
  /** The handler's source file (esbuild entry point). */
  entry: string;
  exportName: string;
  /** The name the local account gives it: `glidepath-<folder>`. */
  localName: string;
  environment: Record<string, unknown>;
}

export interface StackModel {
  functions: Map<string, StackFunction>;
  definitionPath: string;
  /** `${Key}` → the logical id of the function whose ARN it stands for (or a literal). */
  substitutions: Record<string, { functionLogicalId?: string; literal?: string }>;
  tableLogicalId: string;
  tableProperties: Record<string, unknown>;
  globalsEnvironment: Record<string, unknown>;
}

type Resource = { Type: string; Properties?: Record<string, any>; Metadata?: Record<string, any> };

/**
 * The handler's source in a clone; in the installed package (which ships no TypeScript) the
 * bundle infra/package-cli.ts wrote for it under dist/.
 */
function handlerEntry(codeUri: string, entryPoint: string): string {
  const source = join(PROJECT_ROOT, codeUri, entryPoint);
  if (existsSync(source)) return source;
  return join(PROJECT_ROOT, 'dist', codeUri, entryPoint.replace(/\.ts$/, '.mjs'));
}

export function readStack(templatePath = join(PROJECT_ROOT, 'template.yaml')): StackModel {
  const template = yamlParse(readFileSync(templatePath, 'utf8')) as {
    Globals?: { Function?: Record<string, any> };
    Resources: Record<string, Resource>;
  };
  const globals = template.Globals?.Function ?? {};
  const functions = new Map<string, StackFunction>();
  let machine: Resource | undefined;
  let tableLogicalId = '';
  let tableProperties: Record<string, unknown> = {};

  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type === 'AWS::Serverless::Function') {
      const props = resource.Properties ?? {};
      const codeUri = String(props.CodeUri ?? '').replace(/\/+$/, '');
      const handler = String(props.Handler ?? globals.Handler ?? 'index.handler');
      const [file = 'index', exportName = 'handler'] = handler.split('.');
      const entryPoint = resource.Metadata?.BuildProperties?.EntryPoints?.[0] ?? `${file}.ts`;
      functions.set(logicalId, {
        logicalId,
        codeUri,
        entry: handlerEntry(codeUri, entryPoint),
        exportName,
        localName: `glidepath-${codeUri.split('/').pop()}`,
        environment: props.Environment?.Variables ?? {},
      });
    } else if (resource.Type === 'AWS::Serverless::StateMachine') {
      machine = resource;
    } else if (resource.Type === 'AWS::DynamoDB::Table') {
      tableLogicalId = logicalId;
      tableProperties = resource.Properties ?? {};
    }
  }
  if (!machine) throw new Error('template.yaml has no AWS::Serverless::StateMachine');

  const substitutions: StackModel['substitutions'] = {};
  for (const [key, value] of Object.entries((machine.Properties?.DefinitionSubstitutions ?? {}) as Record<string, any>)) {
    const getAtt = value?.['Fn::GetAtt'];
    const ref = value?.Ref;
    const target = Array.isArray(getAtt) ? getAtt[0] : typeof getAtt === 'string' ? getAtt.split('.')[0] : ref;
    substitutions[key] = typeof target === 'string' && functions.has(target) ? { functionLogicalId: target } : { literal: String(value) };
  }
  return {
    functions,
    definitionPath: join(PROJECT_ROOT, String(machine.Properties?.DefinitionUri)),
    substitutions,
    tableLogicalId,
    tableProperties,
    globalsEnvironment: globals.Environment?.Variables ?? {},
  };
}
