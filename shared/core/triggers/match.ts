/**
 * Which deployment groups a pushed artifact deploys: an object matches an `s3` source with its
 * bucket and, when given, the key's prefix and suffix; an image matches an `ecr` source with its
 * repository and, when given, a tag pattern (`*` any run of characters, `?` one).
 */
import type { DeploymentGroup, EcrSource, S3Source } from '../model/group.ts';
import type { Artifact, EcrArtifact, S3Artifact } from './artifact.ts';

const globCache = new Map<string, RegExp>();

/** Does `tag` match the glob `pattern` (whole tag, case-sensitive as ECR tags are)? */
export function tagMatches(pattern: string, tag: string): boolean {
  let re = globCache.get(pattern);
  if (!re) {
    const source = pattern.replace(/[.+^${}()|[\]\\-]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${source}$`);
    globCache.set(pattern, re);
  }
  return re.test(tag);
}

export function s3SourceMatches(source: S3Source, object: S3Artifact): boolean {
  return (
    source.bucket === object.bucket &&
    (source.prefix === undefined || object.key.startsWith(source.prefix)) &&
    (source.suffix === undefined || object.key.endsWith(source.suffix))
  );
}

export function ecrSourceMatches(source: EcrSource, image: EcrArtifact): boolean {
  if (source.repository !== image.repository) return false;
  if (source.tagPattern === undefined) return true;
  return image.tag !== undefined && tagMatches(source.tagPattern, image.tag);
}

export function groupMatches(group: DeploymentGroup, artifact: Artifact): boolean {
  if (artifact.kind === 's3') return (group.sources?.s3 ?? []).some((s) => s3SourceMatches(s, artifact));
  return (group.sources?.ecr ?? []).some((s) => ecrSourceMatches(s, artifact));
}

/** The groups the artifact deploys, in the order given. */
export function matchingGroups(groups: readonly DeploymentGroup[], artifact: Artifact): DeploymentGroup[] {
  return groups.filter((g) => groupMatches(g, artifact));
}

/** Why nothing matched, for the log line: no group names the bucket/repository, or none of its filters fit. */
export function whyNoMatch(groups: readonly DeploymentGroup[], artifact: Artifact): string {
  if (artifact.kind === 's3') {
    const named = groups.filter((g) => g.sources?.s3?.some((s) => s.bucket === artifact.bucket));
    if (named.length === 0) return `no deployment group has an s3 source for bucket ${artifact.bucket}`;
    return `key ${artifact.key} matches no prefix/suffix of the s3 sources of ${named.map((g) => g.name).join(', ')}`;
  }
  const named = groups.filter((g) => g.sources?.ecr?.some((s) => s.repository === artifact.repository));
  if (named.length === 0) return `no deployment group has an ecr source for repository ${artifact.repository}`;
  return `tag ${artifact.tag ?? '(none)'} matches no tagPattern of the ecr sources of ${named.map((g) => g.name).join(', ')}`;
}
