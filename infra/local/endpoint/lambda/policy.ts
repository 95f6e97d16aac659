/**
 * A function's resource-based policy and its provisioned concurrency, as the botocore model
 * (lambda/2015-03-31) defines the operations: AddPermission, GetPolicy, RemovePermission (one
 * policy per function, version or alias) and Put/Get/DeleteProvisionedConcurrencyConfig (on a
 * version or alias, never $LATEST; IN_PROGRESS, then READY after the engine's transition time).
 */
import { randomUUID } from 'node:crypto';
import { ServiceError } from '../errors.ts';
import type { RestRoute } from '../services.ts';
import { validate } from '../validation.ts';
import type { LocalLambda } from './index.ts';
import { conflict, effectiveQualifier, functionArn, invalidParameter, LATEST, parseFunctionName, preconditionFailed } from './names.ts';
import { lambdaTimestamp, type FunctionRecord } from './store.ts';

interface Policy {
  revisionId: string;
  statements: Map<string, Record<string, unknown>>;
}

interface Provisioned {
  requested: number;
  lastModified: number;
  readyAt: number;
}

const policies = new WeakMap<FunctionRecord, Map<string, Policy>>();
const provisioned = new WeakMap<FunctionRecord, Map<string, Provisioned>>();

const notFound = (message: string) => new ServiceError('ResourceNotFoundException', message, { status: 404, messageKey: 'Message' });

function principalOf(principal: string): Record<string, string> {
  if (principal === '*') return { AWS: '*' };
  if (/^\d{12}$/.test(principal)) return { AWS: `arn:aws:iam::${principal}:root` };
  if (principal.startsWith('arn:')) return { AWS: principal };
  return { Service: principal };
}

export function policyRoutes(lambda: LocalLambda): RestRoute[] {
  const { store } = lambda;
  const account = store.account;
  const target = (rawName: string | undefined, rawQualifier: string | null) => {
    const ref = parseFunctionName(rawName);
    const fn = store.get(ref.name);
    const qualifier = effectiveQualifier(ref, rawQualifier);
    if (qualifier !== undefined) store.resolve(fn, qualifier);
    return { fn, qualifier };
  };
  const policyOf = (fn: FunctionRecord, qualifier: string | undefined, create: boolean): Policy | undefined => {
    let byQualifier = policies.get(fn);
    if (!byQualifier) policies.set(fn, (byQualifier = new Map()));
    const key = qualifier ?? '';
    let policy = byQualifier.get(key);
    if (!policy && create) byQualifier.set(key, (policy = { revisionId: randomUUID(), statements: new Map() }));
    return policy;
  };
  const provisionedOf = (fn: FunctionRecord, rawQualifier: string | null) => {
    validate([['qualifier', rawQualifier ?? undefined, { required: true, type: 'string', minLength: 1, maxLength: 128 }]]);
    const { qualifier } = target(fn.name, rawQualifier);
    if (qualifier === LATEST) throw invalidParameter('Provisioned Concurrency Configs cannot be applied to unpublished function versions.');
    let byQualifier = provisioned.get(fn);
    if (!byQualifier) provisioned.set(fn, (byQualifier = new Map()));
    return { byQualifier, qualifier: qualifier! };
  };
  const renderProvisioned = (p: Provisioned) => {
    const ready = store.clock.now() >= p.readyAt;
    return {
      RequestedProvisionedConcurrentExecutions: p.requested,
      AvailableProvisionedConcurrentExecutions: ready ? p.requested : 0,
      AllocatedProvisionedConcurrentExecutions: ready ? p.requested : 0,
      Status: ready ? 'READY' : 'IN_PROGRESS',
      LastModified: lambdaTimestamp(p.lastModified),
    };
  };
  const F = '/2015-03-31/functions';
  const P = '/2019-09-30/functions';
  return [
    {
      method: 'POST',
      path: `${F}/{FunctionName}/policy`,
      operation: 'AddPermission',
      handle: (req) => {
        const body = req.json();
        validate([
          ['statementId', body.StatementId, { required: true, type: 'string', minLength: 1, maxLength: 100, pattern: '([a-zA-Z0-9-_.]+)' }],
          ['action', body.Action, { required: true, type: 'string', pattern: '(lambda:[*]|lambda:[a-zA-Z]+|[*])' }],
          ['principal', body.Principal, { required: true, type: 'string', pattern: '[^\\s]+' }],
          ['sourceArn', body.SourceArn, { type: 'string' }],
          ['sourceAccount', body.SourceAccount, { type: 'string', maxLength: 12, pattern: '\\d{12}' }],
          ['principalOrgID', body.PrincipalOrgID, { type: 'string', minLength: 12, maxLength: 34 }],
          ['revisionId', body.RevisionId, { type: 'string' }],
        ]);
        const { fn, qualifier } = target(req.params.FunctionName, req.query.get('Qualifier'));
        const policy = policyOf(fn, qualifier, true)!;
        if (typeof body.RevisionId === 'string' && body.RevisionId !== policy.revisionId) throw preconditionFailed();
        const sid = String(body.StatementId);
        if (policy.statements.has(sid)) throw conflict(`The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`);
        const condition: Record<string, Record<string, string>> = {};
        if (typeof body.SourceArn === 'string') condition.ArnLike = { 'AWS:SourceArn': body.SourceArn };
        if (typeof body.SourceAccount === 'string') condition.StringEquals = { 'AWS:SourceAccount': body.SourceAccount };
        if (typeof body.PrincipalOrgID === 'string') condition.StringEquals = { ...condition.StringEquals, 'aws:PrincipalOrgID': body.PrincipalOrgID };
        const statement = {
          Sid: sid,
          Effect: 'Allow',
          Principal: principalOf(String(body.Principal)),
          Action: body.Action,
          Resource: functionArn(account, fn.name, qualifier),
          ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
        };
        policy.statements.set(sid, statement);
        policy.revisionId = randomUUID();
        return { status: 201, body: { Statement: JSON.stringify(statement) } };
      },
    },
    {
      method: 'GET',
      path: `${F}/{FunctionName}/policy`,
      operation: 'GetPolicy',
      handle: (req) => {
        const { fn, qualifier } = target(req.params.FunctionName, req.query.get('Qualifier'));
        const policy = policyOf(fn, qualifier, false);
        if (!policy || policy.statements.size === 0) throw notFound('The resource you requested does not exist.');
        const document = { Version: '2012-10-17', Id: 'default', Statement: [...policy.statements.values()] };
        return { status: 200, body: { Policy: JSON.stringify(document), RevisionId: policy.revisionId } };
      },
    },
    {
      method: 'DELETE',
      path: `${F}/{FunctionName}/policy/{StatementId}`,
      operation: 'RemovePermission',
      handle: (req) => {
        const { fn, qualifier } = target(req.params.FunctionName, req.query.get('Qualifier'));
        const policy = policyOf(fn, qualifier, false);
        const revision = req.query.get('RevisionId');
        if (policy && revision !== null && revision !== policy.revisionId) throw preconditionFailed();
        if (!policy?.statements.delete(req.params.StatementId!)) throw notFound(`Statement ${req.params.StatementId} is not found in resource policy.`);
        policy.revisionId = randomUUID();
        return { status: 204 };
      },
    },
    {
      method: 'PUT',
      path: `${P}/{FunctionName}/provisioned-concurrency`,
      operation: 'PutProvisionedConcurrencyConfig',
      handle: (req) => {
        const body = req.json();
        validate([['provisionedConcurrentExecutions', body.ProvisionedConcurrentExecutions, { required: true, type: 'integer', min: 1 }]]);
        const { fn } = target(req.params.FunctionName, null);
        const { byQualifier, qualifier } = provisionedOf(fn, req.query.get('Qualifier'));
        const now = store.clock.now();
        const config: Provisioned = { requested: body.ProvisionedConcurrentExecutions as number, lastModified: now, readyAt: now + store.transitionSeconds * 1000 };
        byQualifier.set(qualifier, config);
        store.transitionDeadline();
        return { status: 202, body: renderProvisioned(config) };
      },
    },
    {
      method: 'GET',
      path: `${P}/{FunctionName}/provisioned-concurrency`,
      operation: 'GetProvisionedConcurrencyConfig',
      handle: (req) => {
        const { fn } = target(req.params.FunctionName, null);
        const { byQualifier, qualifier } = provisionedOf(fn, req.query.get('Qualifier'));
        const config = byQualifier.get(qualifier);
        if (!config) throw new ServiceError('ProvisionedConcurrencyConfigNotFoundException', 'No Provisioned Concurrency Config found for this function', { status: 404 });
        return { status: 200, body: renderProvisioned(config) };
      },
    },
    {
      method: 'DELETE',
      path: `${P}/{FunctionName}/provisioned-concurrency`,
      operation: 'DeleteProvisionedConcurrencyConfig',
      handle: (req) => {
        const { fn } = target(req.params.FunctionName, null);
        const { byQualifier, qualifier } = provisionedOf(fn, req.query.get('Qualifier'));
        byQualifier.delete(qualifier);
        return { status: 204 };
      },
    },
  ];
}
