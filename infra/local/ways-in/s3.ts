/**
 * A minimal S3 for the local engine (restXml, path-style, as `@aws-sdk/client-s3` with
 * `forcePathStyle: true` and the AWS CLI with `--endpoint-url` send it): CreateBucket,
 * HeadBucket, PutBucketVersioning, PutObject, GetObject, HeadObject, DeleteObject, the listings
 * of s3-list.ts; anything else is an XML `NotImplemented`, as every S3 error is XML. Objects live
 * in memory for the engine's life. It is where `UpdateFunctionCode` with S3Bucket/S3Key reads
 * deployment packages (`resolveCode`), as Lambda reads them from S3.
 *
 * It answers under its own path prefix, `/s3` (AWS_ENDPOINT_URL_S3 = `<engine url>/s3`; the SDK
 * keeps an endpoint's path), so its `/{Bucket}/{Key+}` routes shadow no other service's paths.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { EngineClock } from '../clock.ts';
import { restService, type RestResponse, type RestService } from '../endpoint/services.ts';
import { listBucketsXml, listObjectsXml, listVersionsXml, type ListedObject } from './s3-list.ts';
import { S3Error } from './s3-error.ts';
export { S3Error };

interface StoredObject {
  body: Buffer;
  etag: string;
  versionId: string;
  contentType: string;
  lastModified: number;
  metadata: Record<string, string>;
}

interface Bucket {
  name: string;
  versioning?: 'Enabled' | 'Suspended';
  createdAt: number;
  /** key → versions, newest last. */
  objects: Map<string, StoredObject[]>;
}

/** The path prefix of the local S3 on the engine's endpoint. */
export const S3_PATH_PREFIX = '/s3';

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** `aws-chunked` bodies (streaming uploads): the chunks' data without sizes, signatures or trailers. */
export function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const eol = body.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = Number.parseInt(body.subarray(at, eol).toString('latin1').split(';')[0]!, 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

export class LocalS3 {
  readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly clock: EngineClock,
    readonly region: string,
  ) {}

  createBucket(name: string): void {
    if (!BUCKET_NAME.test(name)) throw new S3Error('InvalidBucketName', 'The specified bucket is not valid.', 400, { BucketName: name });
    if (this.buckets.has(name)) {
      if (this.region === 'us-east-1') return; // us-east-1 answers 200 to its owner, for history's sake
      throw new S3Error('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', 409, { BucketName: name });
    }
    this.buckets.set(name, { name, createdAt: this.clock.now(), objects: new Map() });
  }

  bucket(name: string): Bucket {
    const found = this.buckets.get(name);
    if (!found) throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: name });
    return found;
  }

  putObject(bucketName: string, key: string, body: Buffer, options: { contentType?: string; metadata?: Record<string, string> } = {}): StoredObject {
    const bucket = this.bucket(bucketName);
    if (key.length === 0 || Buffer.byteLength(key) > 1024) throw new S3Error('KeyTooLongError', 'Your key is too long', 400);
    const object: StoredObject = {
      body,
      etag: `"${createHash('md5').update(body).digest('hex')}"`,
      versionId: bucket.versioning === 'Enabled' ? randomBytes(24).toString('base64url') : 'null',
      contentType: options.contentType ?? 'binary/octet-stream',
      lastModified: this.clock.now(),
      metadata: options.metadata ?? {},
    };
    const versions = bucket.versioning === 'Enabled' ? [...(bucket.objects.get(key) ?? []), object] : [object];
    bucket.objects.set(key, versions);
    return object;
  }

  getObject(bucketName: string, key: string, versionId?: string): StoredObject {
    const versions = this.bucket(bucketName).objects.get(key) ?? [];
    if (versionId !== undefined && versionId !== '') {
      const found = versions.find((v) => v.versionId === versionId);
      if (!found) throw new S3Error('NoSuchVersion', 'The specified version does not exist.', 404, { Key: key, VersionId: versionId });
      return found;
    }
    const latest = versions.at(-1);
    if (!latest) throw new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
    return latest;
  }

  /** Every stored version of a bucket's objects (the newest of each key `isLatest`). */
  listed(bucketName: string, latestOnly: boolean): ListedObject[] {
    const out: ListedObject[] = [];
    for (const [key, versions] of this.bucket(bucketName).objects) {
      const chosen = latestOnly ? versions.slice(-1) : versions;
      for (const v of chosen) out.push({ key, versionId: v.versionId, etag: v.etag, size: v.body.length, lastModified: v.lastModified, isLatest: v === versions.at(-1) });
    }
    return out;
  }

  /** For the local Lambda's UpdateFunctionCode/CreateFunction with S3Bucket, S3Key, S3ObjectVersion. */
  readonly resolveCode = async (location: { bucket: string; key: string; objectVersion?: string }): Promise<Uint8Array> =>
    this.getObject(location.bucket, location.key, location.objectVersion).body;

  service(requestId: () => string = () => randomBytes(8).toString('hex').toUpperCase()): RestService {
    const reply = (run: () => RestResponse): RestResponse => {
      try {
        return run();
      } catch (error) {
        if (!(error instanceof S3Error)) throw error;
        const extra = Object.entries(error.extra).map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`).join('');
        const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${error.code}</Code><Message>${xmlEscape(error.message)}</Message>${extra}<RequestId>${requestId()}</RequestId></Error>`;
        return { status: error.status, headers: { 'content-type': 'application/xml' }, body };
      }
    };
    const objectHeaders = (o: StoredObject, versioned: boolean): Record<string, string> => ({
      etag: o.etag,
      'last-modified': new Date(o.lastModified).toUTCString(),
      'content-type': o.contentType,
      'accept-ranges': 'bytes',
      ...(versioned ? { 'x-amz-version-id': o.versionId } : {}),
      ...Object.fromEntries(Object.entries(o.metadata).map(([k, v]) => [`x-amz-meta-${k}`, v])),
    });
    const versioned = (bucket: string) => this.bucket(bucket).versioning !== undefined;

    return restService({
      name: 's3',
      routes: [
        {
          method: 'PUT',
          path: `${S3_PATH_PREFIX}/{Bucket}`,
          operation: 'CreateBucket',
          handle: (req) =>
            reply(() => {
              const name = req.params.Bucket!;
              if (req.query.has('versioning')) {
                const status = /<Status>(Enabled|Suspended)<\/Status>/.exec(req.body.toString('utf8'))?.[1] as 'Enabled' | 'Suspended' | undefined;
                if (!status) throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
                this.bucket(name).versioning = status;
                return { status: 200 };
              }
              this.createBucket(name);
              return { status: 200, headers: { location: `/${name}` } };
            }),
        },
        {
          method: 'GET',
          path: S3_PATH_PREFIX,
          operation: 'ListBuckets',
          handle: () => reply(() => ({ status: 200, headers: { 'content-type': 'application/xml' }, body: listBucketsXml([...this.buckets.values()]) })),
        },
        {
          method: 'GET',
          path: `${S3_PATH_PREFIX}/{Bucket}`,
          operation: 'ListObjects',
          handle: (req) =>
            reply(() => {
              const name = req.params.Bucket!;
              const xml = req.query.has('versions') ? listVersionsXml(name, this.listed(name, false), req.query) : listObjectsXml(name, this.listed(name, true), req.query);
              return { status: 200, headers: { 'content-type': 'application/xml' }, body: xml };
            }),
        },
        { method: 'HEAD', path: `${S3_PATH_PREFIX}/{Bucket}`, operation: 'HeadBucket', handle: (req) => reply(() => (this.bucket(req.params.Bucket!), { status: 200, headers: { 'x-amz-bucket-region': this.region } })) },
        {
          method: 'PUT',
          path: `${S3_PATH_PREFIX}/{Bucket}/{Key+}`,
          operation: 'PutObject',
          handle: (req) =>
            reply(() => {
              if (req.headers['x-amz-copy-source']) throw new S3Error('NotImplemented', 'The local engine does not copy objects.', 501);
              const chunked = String(req.headers['content-encoding'] ?? '').includes('aws-chunked') || String(req.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
              const metadata = Object.fromEntries(
                Object.entries(req.headers)
                  .filter(([k]) => k.startsWith('x-amz-meta-'))
                  .map(([k, v]) => [k.slice('x-amz-meta-'.length), String(v)]),
              );
              const contentType = req.headers['content-type'];
              const o = this.putObject(req.params.Bucket!, req.params.Key!, chunked ? decodeAwsChunked(req.body) : req.body, {
                ...(typeof contentType === 'string' ? { contentType } : {}),
                metadata,
              });
              return { status: 200, headers: { etag: o.etag, ...(versioned(req.params.Bucket!) ? { 'x-amz-version-id': o.versionId } : {}) } };
            }),
        },
        {
          method: 'GET',
          path: `${S3_PATH_PREFIX}/{Bucket}/{Key+}`,
          operation: 'GetObject',
          handle: (req) =>
            reply(() => {
              const o = this.getObject(req.params.Bucket!, req.params.Key!, req.query.get('versionId') ?? undefined);
              return { status: 200, headers: objectHeaders(o, versioned(req.params.Bucket!)), body: o.body };
            }),
        },
        {
          method: 'HEAD',
          path: `${S3_PATH_PREFIX}/{Bucket}/{Key+}`,
          operation: 'HeadObject',
          // Node sends no body for HEAD; the object goes along only to set content-length.
          handle: (req) =>
            reply(() => {
              const o = this.getObject(req.params.Bucket!, req.params.Key!, req.query.get('versionId') ?? undefined);
              return { status: 200, headers: objectHeaders(o, versioned(req.params.Bucket!)), body: o.body };
            }),
        },
        {
          method: 'DELETE',
          path: `${S3_PATH_PREFIX}/{Bucket}/{Key+}`,
          operation: 'DeleteObject',
          handle: (req) =>
            reply(() => {
              this.bucket(req.params.Bucket!).objects.delete(req.params.Key!);
              return { status: 204 };
            }),
        },
        // Last: what no route above serves is an S3 error in S3's form, not the endpoint's JSON.
        ...['GET', 'PUT', 'POST', 'DELETE', 'HEAD'].map((method) => ({
          method,
          path: `${S3_PATH_PREFIX}/{Path+}`,
          operation: 'NotImplemented',
          handle: () =>
            reply(() => {
              throw new S3Error('NotImplemented', `The local engine does not serve this S3 request (${method}).`, 501);
            }),
        })),
      ],
    });
  }
}
