/**
 * The local S3's listings, in the restXml shapes of botocore's s3/2006-03-01 model:
 * ListBuckets (`GET /`), ListObjects (`GET /{Bucket}`), ListObjectsV2 (`?list-type=2`) and
 * ListObjectVersions (`?versions`), with Prefix, Delimiter (CommonPrefixes), MaxKeys and the
 * markers/continuation tokens each one pages with.
 */
import { S3Error } from './s3-error.ts';

const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const OWNER = '<Owner><ID>000000000000</ID><DisplayName>local</DisplayName></Owner>';

export interface ListedObject {
  key: string;
  versionId: string;
  etag: string;
  size: number;
  lastModified: number;
  isLatest: boolean;
}

export interface ListedBucket {
  name: string;
  createdAt: number;
}

const esc = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
const tag = (name: string, value: string | number | boolean | undefined) => (value === undefined ? '' : `<${name}>${typeof value === 'string' ? esc(value) : String(value)}</${name}>`);
const iso = (ms: number) => new Date(ms).toISOString();

export function listBucketsXml(buckets: ListedBucket[]): string {
  const items = [...buckets]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((b) => `<Bucket>${tag('Name', b.name)}${tag('CreationDate', iso(b.createdAt))}</Bucket>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult xmlns="${XMLNS}">${OWNER}<Buckets>${items}</Buckets></ListAllMyBucketsResult>`;
}

function maxKeys(query: URLSearchParams): number {
  const text = query.get('max-keys');
  if (text === null) return 1000;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new S3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range', 400, { ArgumentName: 'max-keys', ArgumentValue: text });
  return Math.min(n, 1000);
}

interface Entry {
  kind: 'object' | 'prefix';
  key: string;
  object?: ListedObject;
}

/** Keys after `after`, under `prefix`, rolled up at `delimiter`; at most `max` entries. */
function walk(objects: ListedObject[], prefix: string, delimiter: string, after: string, max: number): { entries: Entry[]; truncated: boolean } {
  const entries: Entry[] = [];
  const seenPrefixes = new Set<string>();
  for (const object of objects) {
    if (!object.key.startsWith(prefix) || object.key <= after) continue;
    let entry: Entry = { kind: 'object', key: object.key, object };
    if (delimiter !== '') {
      const cut = object.key.indexOf(delimiter, prefix.length);
      if (cut >= 0) {
        const common = object.key.slice(0, cut + delimiter.length);
        if (seenPrefixes.has(common)) continue;
        if (common <= after) continue;
        seenPrefixes.add(common);
        entry = { kind: 'prefix', key: common };
      }
    }
    if (entries.length === max) return { entries, truncated: true };
    entries.push(entry);
  }
  return { entries, truncated: false };
}

function render(entries: Entry[]): string {
  const contents = entries
    .filter((e) => e.kind === 'object')
    .map((e) => `<Contents>${tag('Key', e.key)}${tag('LastModified', iso(e.object!.lastModified))}${tag('ETag', e.object!.etag)}${tag('Size', e.object!.size)}<StorageClass>STANDARD</StorageClass></Contents>`)
    .join('');
  const prefixes = entries.filter((e) => e.kind === 'prefix').map((e) => `<CommonPrefixes>${tag('Prefix', e.key)}</CommonPrefixes>`).join('');
  return contents + prefixes;
}

/** ListObjects (V1) and ListObjectsV2 of the latest versions, by key. */
export function listObjectsXml(bucket: string, latest: ListedObject[], query: URLSearchParams): string {
  const v2 = query.get('list-type') === '2';
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? '';
  const max = maxKeys(query);
  const sorted = [...latest].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let after: string;
  if (v2) {
    const token = query.get('continuation-token');
    after = token !== null ? Buffer.from(token, 'base64url').toString('utf8') : (query.get('start-after') ?? '');
  } else {
    after = query.get('marker') ?? '';
  }
  const { entries, truncated } = walk(sorted, prefix, delimiter, after, max);
  const last = entries.at(-1)?.key;
  const head = `${tag('Name', bucket)}${tag('Prefix', prefix)}${delimiter === '' ? '' : tag('Delimiter', delimiter)}${tag('MaxKeys', max)}`;
  if (v2) {
    const token = query.get('continuation-token');
    const body =
      head +
      tag('KeyCount', entries.length) +
      (token === null ? '' : tag('ContinuationToken', token)) +
      (query.has('start-after') ? tag('StartAfter', query.get('start-after')!) : '') +
      tag('IsTruncated', truncated) +
      (truncated && last !== undefined ? tag('NextContinuationToken', Buffer.from(last).toString('base64url')) : '') +
      render(entries);
    return `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="${XMLNS}">${body}</ListBucketResult>`;
  }
  // V1 names NextMarker only with a delimiter; without one the client pages from the last key.
  const body =
    head.replace(tag('MaxKeys', max), '') +
    tag('Marker', query.get('marker') ?? '') +
    tag('MaxKeys', max) +
    tag('IsTruncated', truncated) +
    (truncated && delimiter !== '' && last !== undefined ? tag('NextMarker', last) : '') +
    render(entries);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="${XMLNS}">${body}</ListBucketResult>`;
}

/** ListObjectVersions: every version, keys in order and the newest version of each first. */
export function listVersionsXml(bucket: string, versions: ListedObject[], query: URLSearchParams): string {
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? '';
  const max = maxKeys(query);
  const keyMarker = query.get('key-marker') ?? '';
  const sorted = [...versions].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : b.lastModified - a.lastModified));
  const versionMarker = query.get('version-id-marker') ?? '';
  let start = 0;
  if (keyMarker !== '') {
    const at = versionMarker === '' ? -1 : sorted.findIndex((o) => o.key === keyMarker && o.versionId === versionMarker);
    start = at >= 0 ? at + 1 : sorted.findIndex((o) => o.key > keyMarker);
    if (start < 0) start = sorted.length;
  }
  const { entries, truncated } = walk(sorted.slice(start), prefix, delimiter, '', Number.MAX_SAFE_INTEGER);
  const page = entries.slice(0, max);
  const more = truncated || entries.length > max;
  const last = page.at(-1);
  const items = page
    .map((e) =>
      e.kind === 'prefix'
        ? `<CommonPrefixes>${tag('Prefix', e.key)}</CommonPrefixes>`
        : `<Version>${tag('Key', e.key)}${tag('VersionId', e.object!.versionId)}${tag('IsLatest', e.object!.isLatest)}${tag('LastModified', iso(e.object!.lastModified))}${tag('ETag', e.object!.etag)}${tag('Size', e.object!.size)}<StorageClass>STANDARD</StorageClass>${OWNER}</Version>`,
    )
    .join('');
  const body =
    tag('Name', bucket) +
    tag('Prefix', prefix) +
    tag('KeyMarker', keyMarker) +
    tag('VersionIdMarker', versionMarker) +
    (more && last ? tag('NextKeyMarker', last.key) + (last.object ? tag('NextVersionIdMarker', last.object.versionId) : '') : '') +
    tag('MaxKeys', max) +
    (delimiter === '' ? '' : tag('Delimiter', delimiter)) +
    tag('IsTruncated', more) +
    items;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ListVersionsResult xmlns="${XMLNS}">${body}</ListVersionsResult>`;
}
