/**
 * Push events → artifacts → matching groups (shared/core/triggers/*): pure parts of the trigger.
 */
import { describe, expect, it } from 'vitest';
import { artifactIdentity, codeLocation, describeArtifact, readEvent, versionDescription, type Artifact } from '../../../shared/core/triggers/artifact.ts';
import { matchingGroups, tagMatches, whyNoMatch } from '../../../shared/core/triggers/match.ts';
import { executionName } from '../../../shared/core/execution-name.ts';
import { parseGroup } from '../../../shared/core/groups.ts';

const digest = `sha256:${'a1'.repeat(32)}`;
const s3 = (detail: Record<string, unknown>) => ({ id: 'e', source: 'aws.s3', 'detail-type': 'Object Created', account: '123456789012', region: 'eu-west-1', time: '2026-11-24T10:00:00Z', detail });
const ecr = (detail: Record<string, unknown>) => ({ source: 'aws.ecr', 'detail-type': 'ECR Image Action', account: '123456789012', region: 'eu-west-1', detail });

function artifactOf(event: unknown): Artifact {
  const read = readEvent(event);
  if ('ignored' in read) throw new Error(read.ignored);
  return read.artifact;
}

describe('readEvent', () => {
  it('reads an S3 Object Created event', () => {
    const a = artifactOf(s3({ bucket: { name: 'art' }, object: { key: 'builds/a.zip', etag: 'e1', 'version-id': 'v1', size: 3 } }));
    expect(a).toEqual({ kind: 's3', bucket: 'art', key: 'builds/a.zip', versionId: 'v1', etag: 'e1', size: 3, region: 'eu-west-1', account: '123456789012' });
    expect(artifactIdentity(a)).toBe('art/builds/a.zip/v1');
    expect(codeLocation(a)).toEqual({ S3Bucket: 'art', S3Key: 'builds/a.zip', S3ObjectVersion: 'v1' });
    expect(versionDescription(a)).toBe('glidepath: s3://art/builds/a.zip version v1');
  });

  it('falls back on the ETag without a version id (and ignores S3’s "null" version)', () => {
    const a = artifactOf(s3({ bucket: { name: 'art' }, object: { key: 'a.zip', etag: 'e1', 'version-id': 'null' } }));
    expect(artifactIdentity(a)).toBe('art/a.zip/e1');
    expect(codeLocation(a)).toEqual({ S3Bucket: 'art', S3Key: 'a.zip' });
  });

  it('reads an ECR push and deploys it by digest', () => {
    const a = artifactOf(ecr({ 'action-type': 'PUSH', result: 'SUCCESS', 'repository-name': 'team/orders', 'image-digest': digest, 'image-tag': 'v1.2' }));
    expect(artifactIdentity(a)).toBe(digest);
    expect(codeLocation(a)).toEqual({ ImageUri: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/orders@${digest}` });
    expect(describeArtifact(a)).toBe(`team/orders:v1.2@${digest}`);
  });

  it.each([
    [ecr({ 'action-type': 'DELETE', result: 'SUCCESS', 'repository-name': 'o', 'image-digest': digest }), /only PUSH deploys/],
    [ecr({ 'action-type': 'PUSH', result: 'FAILURE', 'repository-name': 'o', 'image-digest': digest }), /ended FAILURE: only SUCCESS deploys/],
    [ecr({ 'action-type': 'PUSH', result: 'SUCCESS', 'repository-name': 'o', 'image-digest': 'latest' }), /without image-digest/],
    [s3({ bucket: { name: 'art' } }), /without object/],
    [{ source: 'aws.s3', 'detail-type': 'Object Deleted', detail: {} }, /is not a push Glidepath deploys/],
    [{ hello: 'world' }, /not an EventBridge event/],
  ])('ignores %j', (event, reason) => {
    const read = readEvent(event);
    expect('ignored' in read && read.ignored).toMatch(reason);
  });

  it('keeps a version description within Lambda’s 256 characters', () => {
    const a = artifactOf(s3({ bucket: { name: 'art' }, object: { key: 'k/'.repeat(200), etag: 'e' } }));
    expect(versionDescription(a)).toHaveLength(256);
  });
});

describe('matching groups', () => {
  const base = { function: 'orders-api', alias: 'live', strategy: 'AllAtOnce' };
  const groups = [
    parseGroup({ ...base, name: 'zips', sources: { s3: [{ bucket: 'art', prefix: 'builds/', suffix: '.zip' }] } }),
    parseGroup({ ...base, name: 'any-object', sources: { s3: [{ bucket: 'art' }] } }),
    parseGroup({ ...base, name: 'releases', sources: { ecr: [{ repository: 'orders', tagPattern: 'v*' }] } }),
    parseGroup({ ...base, name: 'every-push', sources: { ecr: [{ repository: 'orders' }] } }),
  ];
  const names = (a: Artifact) => matchingGroups(groups, a).map((g) => g.name);
  const object = (bucket: string, key: string) => artifactOf(s3({ bucket: { name: bucket }, object: { key, etag: 'e' } }));
  const image = (tag?: string) => artifactOf(ecr({ 'action-type': 'PUSH', result: 'SUCCESS', 'repository-name': 'orders', 'image-digest': digest, ...(tag ? { 'image-tag': tag } : {}) }));

  it('matches bucket, prefix and suffix', () => {
    expect(names(object('art', 'builds/x.zip'))).toEqual(['zips', 'any-object']);
    expect(names(object('art', 'docs/x.zip'))).toEqual(['any-object']);
    expect(names(object('other', 'builds/x.zip'))).toEqual([]);
    expect(whyNoMatch(groups, object('other', 'builds/x.zip'))).toBe('no deployment group has an s3 source for bucket other');
  });

  it('matches repository and tag pattern', () => {
    expect(names(image('v2.0'))).toEqual(['releases', 'every-push']);
    expect(names(image('latest'))).toEqual(['every-push']);
    expect(names(image())).toEqual(['every-push']);
    expect(tagMatches('release-??', 'release-12')).toBe(true);
    expect(tagMatches('release-??', 'release-123')).toBe(false);
    expect(tagMatches('v1.*', 'v1x2')).toBe(false);
    expect(whyNoMatch(groups.slice(0, 3), image('latest'))).toBe('tag latest matches no tagPattern of the ecr sources of releases');
  });
});

describe('executionName', () => {
  it('has the CLI’s id form, sorts by time and is the same for the same seed', () => {
    const a = executionName(Date.UTC(2026, 10, 24), 'art/a.zip/e1#g');
    expect(a).toMatch(/^gp-[0-9a-hjkmnp-tv-z]{20}$/);
    expect(executionName(Date.UTC(2026, 10, 24), 'art/a.zip/e1#g')).toBe(a);
    expect(executionName(Date.UTC(2026, 10, 24), 'art/a.zip/e2#g')).not.toBe(a);
    expect(executionName(Date.UTC(2026, 10, 25), 'x') > a).toBe(true);
  });
});
