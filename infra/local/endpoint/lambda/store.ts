/**
 * The local account's functions: `$LATEST` (mutable), published versions (immutable snapshots of
 * code and configuration), aliases and tags; with the service's rules for creating, updating,
 * publishing and deleting them.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../../shared/core/ports/clock.ts';
import { validate } from '../validation.ts';
import { locationCode, zipCode, type CodeRecord } from './code.ts';
import { configFingerprint, configFromCreate, configFromUpdate, type FunctionConfig } from './config.ts';
import {
  conflict, functionArn, functionNotFound, invalidParameter, isVersionNumber, LATEST, parseFunctionName, preconditionFailed,
  type Account,
} from './names.ts';

export interface VersionRecord {
  version: string;
  config: FunctionConfig;
  code: CodeRecord;
  lastModified: number;
  revisionId: string;
  /** Names this version's sandbox; `$LATEST` gets a new one on every code or configuration change. */
  sandbox: string;
}

export interface AliasRecord {
  name: string;
  functionVersion: string;
  description: string;
  weights?: Record<string, number>;
  revisionId: string;
}

export interface FunctionRecord {
  name: string;
  /** Distinguishes a function from an earlier one of the same name (sandbox folders, module cache). */
  id: string;
  latest: VersionRecord;
  versions: Map<string, VersionRecord>;
  lastVersionNumber: number;
  aliases: Map<string, AliasRecord>;
  tags: Record<string, string>;
  changes: number;
  /** Code and configuration of `$LATEST` when the last version was published from it. */
  publishedFrom?: string;
}

/** Fetches a deployment package from S3 (the engine's S3, when there is one). */
export type S3CodeResolver = (location: { bucket: string; key: string; objectVersion?: string }) => Promise<Uint8Array>;

type Body = Record<string, unknown>;

export class LambdaStore {
  readonly functions = new Map<string, FunctionRecord>();

  constructor(
    readonly account: Account,
    readonly clock: Clock,
    readonly resolveS3?: S3CodeResolver,
  ) {}

  get(name: string): FunctionRecord {
    const fn = this.functions.get(name);
    if (!fn) throw functionNotFound(this.account, name);
    return fn;
  }

  /** The version a qualifier names: `$LATEST`/none, a number, or an alias (its primary version). */
  resolve(fn: FunctionRecord, qualifier: string | undefined): VersionRecord {
    if (qualifier === undefined || qualifier === LATEST) return fn.latest;
    if (isVersionNumber(qualifier)) {
      const v = fn.versions.get(qualifier);
      if (!v) throw functionNotFound(this.account, fn.name, qualifier);
      return v;
    }
    const alias = fn.aliases.get(qualifier);
    if (!alias) throw functionNotFound(this.account, fn.name, qualifier);
    return this.resolve(fn, alias.functionVersion);
  }

  async create(body: Body): Promise<{ fn: FunctionRecord; version: VersionRecord }> {
    const ref = parseFunctionName(body.FunctionName);
    validate([
      ['code', body.Code, { required: true, type: 'structure' }],
      ['tags', body.Tags, { type: 'map' }],
    ]);
    if (ref.qualifier !== undefined) throw invalidParameter('Unsupported function name: a qualifier cannot be part of the name of a new function.');
    const config = configFromCreate(body);
    const code = await this.#code(body.Code as Body, config.packageType);
    if (this.functions.has(ref.name)) throw conflict(`Function already exist: ${ref.name}`);
    const fn: FunctionRecord = {
      name: ref.name,
      id: randomUUID().slice(0, 8),
      latest: { version: LATEST, config, code, lastModified: this.clock.now(), revisionId: randomUUID(), sandbox: 'latest-0' },
      versions: new Map(),
      lastVersionNumber: 0,
      aliases: new Map(),
      tags: Object.fromEntries(Object.entries((body.Tags as Body | undefined) ?? {}).map(([k, v]) => [k, String(v)])),
      changes: 0,
    };
    this.functions.set(ref.name, fn);
    const version = body.Publish === true ? this.publish(fn, {}) : fn.latest;
    return { fn, version };
  }

  async updateCode(fn: FunctionRecord, body: Body): Promise<VersionRecord> {
    this.#checkRevision(fn.latest, body.RevisionId);
    const code = await this.#code(body, fn.latest.config.packageType);
    validate([['architectures', body.Architectures, { type: 'list', minLength: 1, maxLength: 1 }]]);
    const arch = (body.Architectures as unknown[] | undefined)?.[0];
    validate([['architectures.1.member', arch, { type: 'string', enum: ['x86_64', 'arm64'] }]]);
    if (body.DryRun === true) return { ...fn.latest, code };
    const config = { ...fn.latest.config };
    if (typeof arch === 'string') config.architectures = [arch];
    this.#replaceLatest(fn, config, code);
    return body.Publish === true ? this.publish(fn, {}) : fn.latest;
  }

  updateConfiguration(fn: FunctionRecord, body: Body): VersionRecord {
    this.#checkRevision(fn.latest, body.RevisionId);
    const config = configFromUpdate(fn.latest.config, body);
    this.#replaceLatest(fn, config, fn.latest.code);
    return fn.latest;
  }

  /** PublishVersion: a new version only if `$LATEST` changed since the last one, as the service does. */
  publish(fn: FunctionRecord, body: Body): VersionRecord {
    validate([['description', body.Description, { type: 'string', minLength: 0, maxLength: 256 }]]);
    this.#checkRevision(fn.latest, body.RevisionId);
    if (typeof body.CodeSha256 === 'string' && body.CodeSha256 !== fn.latest.code.sha256) {
      throw invalidParameter(
        `CodeSHA256 (${body.CodeSha256}) is different from current CodeSHA256 in $LATEST (${fn.latest.code.sha256}). Please try again with the CodeSHA256 in $LATEST.`,
      );
    }
    // PublishVersion's own Description does not count: what counts is whether $LATEST changed.
    const fingerprint = `${fn.latest.code.sha256}|${configFingerprint(fn.latest.config)}`;
    const last = fn.versions.get(String(fn.lastVersionNumber));
    if (last && fn.publishedFrom === fingerprint) return last;
    fn.publishedFrom = fingerprint;
    const number = String(++fn.lastVersionNumber);
    const config = { ...fn.latest.config };
    if (typeof body.Description === 'string') config.description = body.Description;
    const version: VersionRecord = {
      version: number,
      config,
      code: fn.latest.code,
      lastModified: this.clock.now(),
      revisionId: randomUUID(),
      sandbox: `v${number}`,
    };
    fn.versions.set(number, version);
    return version;
  }

  /** DeleteFunction: the whole function, or one version that no alias uses. */
  delete(fn: FunctionRecord, qualifier: string | undefined): void {
    if (qualifier === undefined) {
      this.functions.delete(fn.name);
      return;
    }
    if (qualifier === LATEST) throw invalidParameter('$LATEST version cannot be deleted without deleting the function.');
    if (!isVersionNumber(qualifier)) throw invalidParameter('Deletion of aliases is not supported by DeleteFunction; use DeleteAlias.');
    if (!fn.versions.has(qualifier)) throw functionNotFound(this.account, fn.name, qualifier);
    const users = [...fn.aliases.values()].filter((a) => a.functionVersion === qualifier || a.weights?.[qualifier] !== undefined);
    if (users.length > 0) {
      throw conflict(`Unable to delete version because the following aliases reference it: [${users.map((a) => a.name).join(', ')}]`);
    }
    fn.versions.delete(qualifier);
  }

  /** The model's FunctionConfiguration for a version, with the ARN qualified as asked. */
  render(fn: FunctionRecord, v: VersionRecord, arnQualifier?: string): Record<string, unknown> {
    const c = v.config;
    return {
      FunctionName: fn.name,
      FunctionArn: functionArn(this.account, fn.name, arnQualifier),
      ...(c.runtime === undefined ? {} : { Runtime: c.runtime }),
      Role: c.role,
      ...(c.handler === undefined ? {} : { Handler: c.handler }),
      CodeSize: v.code.size,
      Description: c.description,
      Timeout: c.timeout,
      MemorySize: c.memorySize,
      LastModified: lambdaTimestamp(v.lastModified),
      CodeSha256: v.code.sha256,
      Version: v.version,
      ...(c.environment ? { Environment: { Variables: { ...c.environment } } } : {}),
      ...(c.deadLetterTargetArn ? { DeadLetterConfig: { TargetArn: c.deadLetterTargetArn } } : {}),
      ...(c.kmsKeyArn ? { KMSKeyArn: c.kmsKeyArn } : {}),
      TracingConfig: { Mode: c.tracingMode },
      RevisionId: v.revisionId,
      ...(c.layers.length > 0 ? { Layers: c.layers.map((Arn) => ({ Arn, CodeSize: 0 })) } : {}),
      State: 'Active',
      LastUpdateStatus: 'Successful',
      PackageType: c.packageType,
      Architectures: [...c.architectures],
      EphemeralStorage: { Size: c.ephemeralStorage },
      SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
      LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${fn.name}` },
    };
  }

  #replaceLatest(fn: FunctionRecord, config: FunctionConfig, code: CodeRecord): void {
    fn.changes += 1;
    fn.latest = { version: LATEST, config, code, lastModified: this.clock.now(), revisionId: randomUUID(), sandbox: `latest-${fn.changes}` };
  }

  #checkRevision(v: VersionRecord, revisionId: unknown): void {
    if (typeof revisionId === 'string' && revisionId !== '' && revisionId !== v.revisionId) throw preconditionFailed();
  }

  async #code(source: Body, packageType: 'Zip' | 'Image'): Promise<CodeRecord> {
    validate([
      ['zipFile', source.ZipFile, { type: 'string' }],
      ['s3Bucket', source.S3Bucket, { type: 'string', minLength: 3, maxLength: 63, pattern: '[0-9A-Za-z\\.\\-_]*(?<!\\.)' }],
      ['s3Key', source.S3Key, { type: 'string', minLength: 1, maxLength: 1024 }],
      ['s3ObjectVersion', source.S3ObjectVersion, { type: 'string', minLength: 1, maxLength: 1024 }],
      ['imageUri', source.ImageUri, { type: 'string' }],
    ]);
    const hasZip = typeof source.ZipFile === 'string';
    const hasS3 = source.S3Bucket !== undefined || source.S3Key !== undefined;
    const hasImage = source.ImageUri !== undefined;
    const count = Number(hasZip) + Number(hasS3) + Number(hasImage);
    if (count === 0) throw invalidParameter('Please provide a source for function code.');
    if (count > 1) throw invalidParameter('Please provide only one source for function code: ZipFile, S3Bucket and S3Key, or ImageUri.');
    if (packageType === 'Image' && !hasImage) throw invalidParameter('Please provide ImageUri when updating a function with packageType Image.');
    if (packageType === 'Zip' && hasImage) throw invalidParameter("Please don't provide ImageUri when updating a function with packageType Zip.");
    if (hasZip) return zipCode(Buffer.from(source.ZipFile as string, 'base64'));
    if (hasImage) return locationCode({ imageUri: source.ImageUri as string });
    if (typeof source.S3Bucket !== 'string' || typeof source.S3Key !== 'string') {
      throw invalidParameter('Please provide both S3Bucket and S3Key for function code in S3.');
    }
    const s3 = { bucket: source.S3Bucket, key: source.S3Key, ...(typeof source.S3ObjectVersion === 'string' ? { objectVersion: source.S3ObjectVersion } : {}) };
    if (!this.resolveS3) return locationCode({ s3 });
    let zip: Uint8Array;
    try {
      zip = await this.resolveS3(s3);
    } catch (error) {
      throw invalidParameter(`Error occurred while GetObject. S3 Error Code: ${(error as Error).name}. S3 Error Message: ${(error as Error).message}`);
    }
    return { ...zipCode(zip), s3 };
  }
}

/** Lambda's LastModified form: `2026-01-01T00:00:00.000+0000`. */
export function lambdaTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}
