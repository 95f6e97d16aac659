/**
 * What a push event announces: an S3 object (EventBridge `Object Created`) or an ECR
 * image (`ECR Image Action`, PUSH, SUCCESS). Read from the EventBridge envelope with zod; anything
 * else is not an artifact and says why.
 */
import { z } from 'zod';

export interface S3Artifact {
  kind: 's3';
  bucket: string;
  key: string;
  versionId?: string;
  etag?: string;
  size?: number;
  region: string;
  account: string;
}

export interface EcrArtifact {
  kind: 'ecr';
  repository: string;
  /** `sha256:<64 hex>`. */
  digest: string;
  tag?: string;
  region: string;
  account: string;
}

export type Artifact = S3Artifact | EcrArtifact;

export type ReadEvent = { artifact: Artifact; eventId?: string; time?: string } | { ignored: string };

const envelope = z.looseObject({
  id: z.string().optional(),
  source: z.string(),
  'detail-type': z.string(),
  account: z.string().default(''),
  region: z.string().default(''),
  time: z.string().optional(),
  detail: z.looseObject({}),
});

const s3Detail = z.looseObject({
  bucket: z.looseObject({ name: z.string().min(1) }),
  object: z.looseObject({
    key: z.string().min(1),
    size: z.number().optional(),
    etag: z.string().optional(),
    'version-id': z.string().optional(),
  }),
});

const ecrDetail = z.looseObject({
  'action-type': z.string(),
  result: z.string(),
  'repository-name': z.string().min(1),
  'image-digest': z.string().regex(/^sha256:[a-f0-9]{64}$/),
  'image-tag': z.string().optional(),
});

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'detail'}: ${issue.message}` : 'not valid';
}

/** The artifact an EventBridge event announces, or why the event is not one Glidepath deploys. */
export function readEvent(event: unknown): ReadEvent {
  const env = envelope.safeParse(event);
  if (!env.success) return { ignored: `not an EventBridge event (${firstIssue(env.error)})` };
  const { source, detail, account, region } = env.data;
  const kind = env.data['detail-type'];
  const meta = { ...(env.data.id ? { eventId: env.data.id } : {}), ...(env.data.time ? { time: env.data.time } : {}) };

  if (source === 'aws.s3' && kind === 'Object Created') {
    const d = s3Detail.safeParse(detail);
    if (!d.success) return { ignored: `S3 Object Created event without ${firstIssue(d.error)}` };
    const object = d.data.object;
    const artifact: S3Artifact = { kind: 's3', bucket: d.data.bucket.name, key: object.key, region, account };
    if (object['version-id'] && object['version-id'] !== 'null') artifact.versionId = object['version-id'];
    if (object.etag) artifact.etag = object.etag;
    if (object.size !== undefined) artifact.size = object.size;
    return { artifact, ...meta };
  }
  if (source === 'aws.ecr' && kind === 'ECR Image Action') {
    const d = ecrDetail.safeParse(detail);
    if (!d.success) return { ignored: `ECR Image Action event without ${firstIssue(d.error)}` };
    if (d.data['action-type'] !== 'PUSH') return { ignored: `ECR ${d.data['action-type']} of ${d.data['repository-name']}: only PUSH deploys` };
    if (d.data.result !== 'SUCCESS') return { ignored: `ECR push to ${d.data['repository-name']} ended ${d.data.result}: only SUCCESS deploys` };
    const artifact: EcrArtifact = { kind: 'ecr', repository: d.data['repository-name'], digest: d.data['image-digest'], region, account };
    if (d.data['image-tag']) artifact.tag = d.data['image-tag'];
    return { artifact, ...meta };
  }
  return { ignored: `${source} "${kind}" is not a push Glidepath deploys (S3 Object Created, ECR Image Action)` };
}

/** `s3://bucket/key` or `repository:tag@sha256:…`, for logs and messages. */
export function describeArtifact(a: Artifact): string {
  if (a.kind === 's3') {
    const id = a.versionId ? ` version ${a.versionId}` : a.etag ? ` etag ${a.etag}` : '';
    return `s3://${a.bucket}/${a.key}${id}`;
  }
  return `${a.repository}${a.tag ? `:${a.tag}` : ''}@${a.digest}`;
}

/** Lambda's version descriptions hold at most 256 characters. */
export const MAX_VERSION_DESCRIPTION = 256;

/** The published version's description: the artifact's identity, cut to Lambda's limit. */
export function versionDescription(a: Artifact): string {
  const text = `glidepath: ${describeArtifact(a)}`;
  return text.length <= MAX_VERSION_DESCRIPTION ? text : `${text.slice(0, MAX_VERSION_DESCRIPTION - 1)}…`;
}

/**
 * The artifact's identity for idempotency (`TRIGGER#<this>`): bucket/key/version id (or ETag) of
 * an object, the digest of an image. The same object or image twice has the same identity.
 */
export function artifactIdentity(a: Artifact): string {
  if (a.kind === 'ecr') return a.digest;
  return `${a.bucket}/${a.key}/${a.versionId ?? a.etag ?? 'unversioned'}`;
}

/** `UpdateFunctionCode`'s code location for the artifact: the object, or the image by digest. */
export function codeLocation(a: Artifact): { S3Bucket: string; S3Key: string; S3ObjectVersion?: string } | { ImageUri: string } {
  if (a.kind === 's3') return { S3Bucket: a.bucket, S3Key: a.key, ...(a.versionId ? { S3ObjectVersion: a.versionId } : {}) };
  return { ImageUri: `${a.account}.dkr.ecr.${a.region}.amazonaws.com/${a.repository}@${a.digest}` };
}
