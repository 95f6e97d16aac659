/**
 * EventBridge pattern matching of the local engine (infra/local/ways-in/pattern.ts), on the
 * patterns of template.yaml's rules and on EventBridge's documented filters.
 */
import { describe, expect, it } from 'vitest';
import { InvalidPatternError, matchesPattern } from '../../../infra/local/ways-in/pattern.ts';

const s3Event = (bucket: string, key = 'builds/orders-42.zip') => ({
  version: '0',
  id: 'e1',
  'detail-type': 'Object Created',
  source: 'aws.s3',
  account: '123456789012',
  time: '2026-11-24T10:00:00Z',
  region: 'us-east-1',
  resources: [`arn:aws:s3:::${bucket}`],
  detail: { version: '0', bucket: { name: bucket }, object: { key, size: 1024, etag: 'abc' }, reason: 'PutObject' },
});

describe('matchesPattern', () => {
  it('matches the S3 rule of template.yaml on its buckets only', () => {
    const rule = { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: ['artifacts', 'releases'] } } };
    expect(matchesPattern(rule, s3Event('artifacts'))).toBe(true);
    expect(matchesPattern(rule, s3Event('releases'))).toBe(true);
    expect(matchesPattern(rule, s3Event('photos'))).toBe(false);
    expect(matchesPattern(rule, { ...s3Event('artifacts'), 'detail-type': 'Object Deleted' })).toBe(false);
  });

  it('matches the ECR rule of template.yaml on PUSH SUCCESS only', () => {
    const rule = { source: ['aws.ecr'], 'detail-type': ['ECR Image Action'], detail: { 'action-type': ['PUSH'], result: ['SUCCESS'], 'repository-name': ['orders'] } };
    const push = { source: 'aws.ecr', 'detail-type': 'ECR Image Action', detail: { 'action-type': 'PUSH', result: 'SUCCESS', 'repository-name': 'orders', 'image-digest': 'sha256:00' } };
    expect(matchesPattern(rule, push)).toBe(true);
    expect(matchesPattern(rule, { ...push, detail: { ...push.detail, result: 'FAILURE' } })).toBe(false);
    expect(matchesPattern(rule, { ...push, detail: { ...push.detail, 'action-type': 'DELETE' } })).toBe(false);
  });

  it('prefix, suffix and equals-ignore-case', () => {
    const e = s3Event('artifacts', 'builds/Orders-42.ZIP');
    expect(matchesPattern({ detail: { object: { key: [{ prefix: 'builds/' }] } } }, e)).toBe(true);
    expect(matchesPattern({ detail: { object: { key: [{ prefix: 'releases/' }] } } }, e)).toBe(false);
    expect(matchesPattern({ detail: { object: { key: [{ suffix: '.zip' }] } } }, e)).toBe(false);
    expect(matchesPattern({ detail: { object: { key: [{ suffix: { 'equals-ignore-case': '.zip' } }] } } }, e)).toBe(true);
    expect(matchesPattern({ detail: { object: { key: [{ prefix: { 'equals-ignore-case': 'BUILDS/' } }] } } }, e)).toBe(true);
    expect(matchesPattern({ source: [{ 'equals-ignore-case': 'AWS.S3' }] }, e)).toBe(true);
  });

  it('anything-but: a value, a list, a prefix, a suffix; never a missing field', () => {
    const e = s3Event('artifacts');
    expect(matchesPattern({ detail: { bucket: { name: [{ 'anything-but': 'photos' }] } } }, e)).toBe(true);
    expect(matchesPattern({ detail: { bucket: { name: [{ 'anything-but': ['photos', 'artifacts'] }] } } }, e)).toBe(false);
    expect(matchesPattern({ detail: { bucket: { name: [{ 'anything-but': { prefix: 'art' } }] } } }, e)).toBe(false);
    expect(matchesPattern({ detail: { bucket: { name: [{ 'anything-but': { suffix: 'x' } }] } } }, e)).toBe(true);
    expect(matchesPattern({ detail: { missing: [{ 'anything-but': 'x' }] } }, e)).toBe(false);
  });

  it('exists, numeric, wildcard, null and arrays in the event', () => {
    const e = s3Event('artifacts');
    expect(matchesPattern({ detail: { object: { 'version-id': [{ exists: false }] } } }, e)).toBe(true);
    expect(matchesPattern({ detail: { object: { etag: [{ exists: true }] } } }, e)).toBe(true);
    expect(matchesPattern({ detail: { nothing: { here: [{ exists: false }] } } }, e)).toBe(true);
    expect(matchesPattern({ detail: { object: { size: [{ numeric: ['>', 0, '<=', 1024] }] } } }, e)).toBe(true);
    expect(matchesPattern({ detail: { object: { size: [{ numeric: ['<', 1024] }] } } }, e)).toBe(false);
    expect(matchesPattern({ detail: { object: { key: [{ wildcard: 'builds/*.zip' }] } } }, e)).toBe(true);
    expect(matchesPattern({ detail: { object: { key: [{ wildcard: '*.jar' }] } } }, e)).toBe(false);
    expect(matchesPattern({ resources: ['arn:aws:s3:::artifacts'] }, e)).toBe(true);
    expect(matchesPattern({ a: [null] }, { a: null })).toBe(true);
    expect(matchesPattern({ n: [42] }, { n: 42 })).toBe(true);
    expect(matchesPattern({ n: ['42'] }, { n: 42 })).toBe(false);
  });

  it('an empty pattern matches everything; a malformed one is refused', () => {
    expect(matchesPattern({}, s3Event('x'))).toBe(true);
    expect(() => matchesPattern({ source: 'aws.s3' }, s3Event('x'))).toThrow(InvalidPatternError);
    expect(() => matchesPattern({ source: [{ prefx: 'aws' }] }, s3Event('x'))).toThrow(/unknown filter prefx/);
    expect(() => matchesPattern({ n: [{ numeric: ['~', 1] }] }, { n: 1 })).toThrow(/unknown operator/);
  });
});
