/**
 * Aliases: CreateAlias, GetAlias, UpdateAlias, ListAliases, DeleteAlias with RoutingConfig and
 * RevisionId, under the service's rules for weighted aliases: at most one additional version,
 * weights in [0.0, 1.0], only published versions (no `$LATEST`) on either side, the additional
 * version different from the primary one, both versions existing and sharing the same execution
 * role and dead-letter queue configuration.
 */
import { randomUUID } from 'node:crypto';
import { ServiceError } from '../errors.ts';
import { renderValue, validate } from '../validation.ts';
import {
  ALIAS_PATTERN, aliasNotFound, conflict, functionArn, functionNotFound, invalidParameter, isVersionNumber, LATEST, preconditionFailed,
  VERSION_PATTERN,
} from './names.ts';
import type { AliasRecord, FunctionRecord, LambdaStore } from './store.ts';

type Body = Record<string, unknown>;

function validationError(message: string): ServiceError {
  return new ServiceError('ValidationException', `1 validation error detected: ${message}`);
}

function readWeights(routingConfig: unknown): Record<string, number> | undefined {
  if (routingConfig === undefined || routingConfig === null) return undefined;
  validate([['routingConfig', routingConfig, { type: 'structure' }]]);
  const weights = (routingConfig as Body).AdditionalVersionWeights;
  if (weights === undefined || weights === null) return {};
  validate([['routingConfig.additionalVersionWeights', weights, { type: 'map' }]]);
  return weights as Record<string, number>;
}

/** The service's checks on an alias's target: primary version plus optional weighted version. */
function checkTarget(store: LambdaStore, fn: FunctionRecord, primary: string, weights: Record<string, number> | undefined): void {
  validate([['functionVersion', primary, { required: true, type: 'string', minLength: 1, maxLength: 1024, pattern: VERSION_PATTERN }]]);
  if (primary !== LATEST && !fn.versions.has(primary)) throw functionNotFound(store.account, fn.name, primary);
  const entries = Object.entries(weights ?? {});
  if (entries.length === 0) return;
  if (entries.length > 1) throw invalidParameter('Number of items in AdditionalVersionWeights cannot be greater than 1');
  const [version, weight] = entries[0]!;
  const shown = renderValue(weights);
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0 || weight > 1) {
    throw validationError(
      `Value '${shown}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]`,
    );
  }
  if (!isVersionNumber(version) || version.length > 1024) {
    throw validationError(
      `Value '${shown}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+, Member must not be null]`,
    );
  }
  if (version === primary) {
    throw invalidParameter(`Invalid function version ${primary}. Function version ${primary} is already included in routing configuration.`);
  }
  if (primary === LATEST) throw invalidParameter('$LATEST is not supported for an alias pointing to more than 1 version');
  const additional = fn.versions.get(version);
  if (!additional) throw functionNotFound(store.account, fn.name, version);
  const main = fn.versions.get(primary)!;
  if (main.config.role !== additional.config.role) {
    throw invalidParameter(`Alias can only route to versions with the same execution role: version ${primary} uses ${main.config.role}, version ${version} uses ${additional.config.role}.`);
  }
  if ((main.config.deadLetterTargetArn ?? '') !== (additional.config.deadLetterTargetArn ?? '')) {
    throw invalidParameter(`Alias can only route to versions with the same dead-letter queue configuration: versions ${primary} and ${version} differ.`);
  }
}

function checkName(name: unknown): void {
  validate([['name', name, { required: true, type: 'string', minLength: 1, maxLength: 128, pattern: ALIAS_PATTERN }]]);
}

export function renderAlias(store: LambdaStore, fn: FunctionRecord, alias: AliasRecord): Record<string, unknown> {
  return {
    AliasArn: functionArn(store.account, fn.name, alias.name),
    Name: alias.name,
    FunctionVersion: alias.functionVersion,
    Description: alias.description,
    ...(alias.weights && Object.keys(alias.weights).length > 0 ? { RoutingConfig: { AdditionalVersionWeights: { ...alias.weights } } } : {}),
    RevisionId: alias.revisionId,
  };
}

export function createAlias(store: LambdaStore, fn: FunctionRecord, body: Body): AliasRecord {
  checkName(body.Name);
  validate([
    ['functionVersion', body.FunctionVersion, { required: true, type: 'string', minLength: 1, maxLength: 1024, pattern: VERSION_PATTERN }],
    ['description', body.Description, { type: 'string', minLength: 0, maxLength: 256 }],
  ]);
  const name = body.Name as string;
  const weights = readWeights(body.RoutingConfig);
  checkTarget(store, fn, body.FunctionVersion as string, weights);
  if (fn.aliases.has(name)) throw conflict(`Alias already exists: ${functionArn(store.account, fn.name, name)}`);
  const alias: AliasRecord = {
    name,
    functionVersion: body.FunctionVersion as string,
    description: (body.Description as string | undefined) ?? '',
    revisionId: randomUUID(),
  };
  if (weights && Object.keys(weights).length > 0) alias.weights = { ...weights };
  fn.aliases.set(name, alias);
  return alias;
}

export function getAlias(store: LambdaStore, fn: FunctionRecord, name: string): AliasRecord {
  checkName(name);
  const alias = fn.aliases.get(name);
  if (!alias) throw aliasNotFound(store.account, fn.name, name);
  return alias;
}

/** UpdateAlias: fields left out keep their value (RoutingConfig too); any update gets a new RevisionId. */
export function updateAlias(store: LambdaStore, fn: FunctionRecord, name: string, body: Body): AliasRecord {
  const alias = getAlias(store, fn, name);
  validate([
    ['functionVersion', body.FunctionVersion, { type: 'string', minLength: 1, maxLength: 1024, pattern: VERSION_PATTERN }],
    ['description', body.Description, { type: 'string', minLength: 0, maxLength: 256 }],
  ]);
  if (typeof body.RevisionId === 'string' && body.RevisionId !== '' && body.RevisionId !== alias.revisionId) throw preconditionFailed();
  const primary = (body.FunctionVersion as string | undefined) ?? alias.functionVersion;
  const newWeights = readWeights(body.RoutingConfig);
  const weights = newWeights ?? alias.weights;
  checkTarget(store, fn, primary, weights);
  const updated: AliasRecord = {
    name: alias.name,
    functionVersion: primary,
    description: (body.Description as string | undefined) ?? alias.description,
    revisionId: randomUUID(),
  };
  if (weights && Object.keys(weights).length > 0) updated.weights = { ...weights };
  fn.aliases.set(name, updated);
  return updated;
}

export function deleteAlias(fn: FunctionRecord, name: string): void {
  checkName(name);
  fn.aliases.delete(name);
}

export function listAliases(fn: FunctionRecord, functionVersion: string | undefined): AliasRecord[] {
  if (functionVersion !== undefined) {
    validate([['functionVersion', functionVersion, { minLength: 1, maxLength: 1024, pattern: VERSION_PATTERN }]]);
  }
  return [...fn.aliases.values()]
    .filter((a) => functionVersion === undefined || a.functionVersion === functionVersion)
    .sort((a, b) => a.name.localeCompare(b.name));
}
