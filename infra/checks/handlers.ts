/**
 * The template's functions against the source tree and the build: `sam build` finds each handler
 * where CodeUri/Handler/EntryPoints say, the handler exports what `Handler` names, the esbuild
 * Metadata is the one `npm run build` uses, the build bundles exactly these functions, and every
 * function (and the state machine) logs to a log group of its own with a retention.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { build } from 'esbuild';
import { FUNCTIONS_DIR, SAM_BUILD_PROPERTIES, type HandlerEntry } from '../build.ts';
import { effectiveFunctionProperties, intrinsicName, isDict, resourcesOfType, SAM_FUNCTION, SAM_STATE_MACHINE, type Template } from './template.ts';

export interface TemplateFunction {
  id: string;
  /** `prepare`, `hooks/warm-up`: the folder below functions/ (undefined if CodeUri is elsewhere). */
  name?: string;
  codeUri: unknown;
  handler: unknown;
  entryPoints: unknown;
}

export function templateFunctions(template: Template): TemplateFunction[] {
  return resourcesOfType(template, SAM_FUNCTION).map(([id, resource]) => {
    const props = effectiveFunctionProperties(template, id);
    const codeUri = props.CodeUri;
    const match = typeof codeUri === 'string' ? /^(?:\.\/)?functions\/(.+?)\/?$/.exec(codeUri) : null;
    const buildProperties = resource.Metadata?.BuildProperties;
    return {
      id,
      name: match?.[1],
      codeUri,
      handler: props.Handler,
      entryPoints: isDict(buildProperties) ? buildProperties.EntryPoints : undefined,
    };
  });
}

/** The names a module exports, read by esbuild without bundling. */
async function exportsOf(file: string): Promise<string[]> {
  const result = await build({ entryPoints: [file], bundle: false, write: false, format: 'esm', platform: 'node', metafile: true, logLevel: 'silent', outdir: 'out' });
  return Object.values(result.metafile.outputs).flatMap((output) => output.exports);
}

export async function checkHandlerPaths(template: Template, root: string): Promise<string[]> {
  const problems: string[] = [];
  for (const fn of templateFunctions(template)) {
    const at = `Resources.${fn.id}`;
    if (!fn.name) {
      problems.push(`${at}.Properties.CodeUri: ${JSON.stringify(fn.codeUri)} is not ${FUNCTIONS_DIR}/<name>/`);
      continue;
    }
    const dir = join(root, FUNCTIONS_DIR, fn.name);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      problems.push(`${at}.Properties.CodeUri: ${FUNCTIONS_DIR}/${fn.name}/ does not exist`);
      continue;
    }
    const entries = Array.isArray(fn.entryPoints) ? fn.entryPoints : [];
    if (entries.length !== 1 || typeof entries[0] !== 'string') {
      problems.push(`${at}.Metadata.BuildProperties.EntryPoints: must name exactly one file in ${FUNCTIONS_DIR}/${fn.name}/`);
      continue;
    }
    const entry = join(dir, entries[0]);
    if (!existsSync(entry)) {
      problems.push(`${at}.Metadata.BuildProperties.EntryPoints: ${FUNCTIONS_DIR}/${fn.name}/${entries[0]} does not exist`);
      continue;
    }
    const handler = typeof fn.handler === 'string' ? /^([^.]+)\.([A-Za-z_$][\w$]*)$/.exec(fn.handler) : null;
    if (!handler) {
      problems.push(`${at}.Properties.Handler: ${JSON.stringify(fn.handler)} is not <file>.<export>`);
      continue;
    }
    // esbuild writes <entry basename>.mjs, which Lambda finds for Handler "<basename>.<export>".
    const bundled = basename(entries[0], extname(entries[0]));
    if (handler[1] !== bundled) problems.push(`${at}.Properties.Handler: ${fn.handler} names ${handler[1]}.mjs but the bundle is ${bundled}.mjs`);
    const exported = await exportsOf(entry);
    if (!exported.includes(handler[2]!)) {
      problems.push(`${at}.Properties.Handler: ${FUNCTIONS_DIR}/${fn.name}/${entries[0]} does not export ${handler[2]} (exports: ${exported.join(', ') || 'none'})`);
    }
  }
  return problems;
}

export function checkBuildProperties(template: Template, expected: object = SAM_BUILD_PROPERTIES): string[] {
  const problems: string[] = [];
  for (const [id, resource] of resourcesOfType(template, SAM_FUNCTION)) {
    const metadata = resource.Metadata ?? {};
    if (metadata.BuildMethod !== 'esbuild') problems.push(`Resources.${id}.Metadata.BuildMethod: must be esbuild`);
    if (!isDeepStrictEqual(metadata.BuildProperties, expected)) {
      problems.push(`Resources.${id}.Metadata.BuildProperties: differ from SAM_BUILD_PROPERTIES in infra/build.ts (${JSON.stringify(metadata.BuildProperties)})`);
    }
  }
  return problems;
}

export function checkBuildMatchesTemplate(template: Template, handlers: HandlerEntry[]): string[] {
  const inTemplate = new Set(templateFunctions(template).flatMap((fn) => (fn.name ? [fn.name] : [])));
  const built = new Set(handlers.map((h) => h.name));
  const problems: string[] = [];
  for (const name of built) if (!inTemplate.has(name)) problems.push(`${FUNCTIONS_DIR}/${name}/ is built but no function of template.yaml deploys it`);
  for (const name of inTemplate) if (!built.has(name)) problems.push(`template.yaml deploys ${FUNCTIONS_DIR}/${name}/ but the build does not find it`);
  return problems;
}

function logGroupOf(template: Template, value: unknown, path: string, problems: string[], attribute?: string): string | undefined {
  const fn = intrinsicName(value);
  const target = !isDict(value)
    ? undefined
    : fn === 'Ref' && !attribute
      ? value.Ref
      : fn === 'Fn::GetAtt' && attribute && Array.isArray(value['Fn::GetAtt']) && value['Fn::GetAtt'][1] === attribute
        ? value['Fn::GetAtt'][0]
        : undefined;
  const resource = typeof target === 'string' ? template.Resources[target] : undefined;
  if (!resource || resource.Type !== 'AWS::Logs::LogGroup') {
    problems.push(`${path}: must be ${attribute ? `!GetAtt <LogGroup>.${attribute}` : '!Ref <LogGroup>'} of an AWS::Logs::LogGroup of this template`);
    return undefined;
  }
  return target as string;
}

export function checkLogGroups(template: Template): string[] {
  const problems: string[] = [];
  const owners = new Map<string, string>();
  const claim = (group: string | undefined, owner: string) => {
    if (!group) return;
    if (owners.has(group)) problems.push(`${owner} and ${owners.get(group)} share the log group ${group}`);
    owners.set(group, owner);
  };
  for (const [id] of resourcesOfType(template, SAM_FUNCTION)) {
    const logging = effectiveFunctionProperties(template, id).LoggingConfig;
    const group = isDict(logging) ? logging.LogGroup : undefined;
    claim(logGroupOf(template, group, `Resources.${id}.Properties.LoggingConfig.LogGroup`, problems), id);
  }
  for (const [id, resource] of resourcesOfType(template, SAM_STATE_MACHINE)) {
    const logging = resource.Properties?.Logging;
    const destinations = isDict(logging) && Array.isArray(logging.Destinations) ? logging.Destinations : [];
    if (destinations.length === 0) problems.push(`Resources.${id}.Properties.Logging.Destinations: the state machine logs nowhere`);
    destinations.forEach((destination, i) => {
      const arn = isDict(destination) && isDict(destination.CloudWatchLogsLogGroup) ? destination.CloudWatchLogsLogGroup.LogGroupArn : undefined;
      claim(logGroupOf(template, arn, `Resources.${id}.Properties.Logging.Destinations[${i}].CloudWatchLogsLogGroup.LogGroupArn`, problems, 'Arn'), id);
    });
  }
  for (const [id, resource] of resourcesOfType(template, 'AWS::Logs::LogGroup')) {
    if (resource.Properties?.RetentionInDays === undefined) problems.push(`Resources.${id}.Properties.RetentionInDays: missing (logs would be kept forever)`);
    if (!owners.has(id)) problems.push(`Resources.${id}: no function or state machine logs to it`);
  }
  return problems;
}
