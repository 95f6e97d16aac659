/**
 * A deployment group: a named, stored template of a deployment request — function,
 * alias, strategy, hooks, alarms, windows — plus the sources whose pushes deploy it (S3 objects,
 * ECR images). Triggers and schedules start deployments from a group.
 */
import { z } from 'zod';
import { aliasSchema, deploymentSettingsShape, descriptionSchema, functionNameSchema } from './request.ts';

/** Group names: what a table key and a CLI argument can carry without quoting. */
export const GROUP_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** S3's bucket naming rules (general purpose buckets): 3–63 of a-z 0-9 . -, starting and ending with a letter or digit. */
export const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** ECR's repository name pattern (botocore ecr RepositoryName), 2–256 characters. */
export const REPOSITORY_PATTERN = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
/** An ECR tag is [A-Za-z0-9_.-]{1,128}; a tag pattern adds `*` (any run) and `?` (one character). */
export const TAG_PATTERN_PATTERN = /^[A-Za-z0-9_.\-*?]{1,128}$/;

export const s3SourceSchema = z.strictObject({
  bucket: z.string().regex(BUCKET_PATTERN, 'must be an S3 bucket name (3–63 of a-z, 0-9, "." and "-")'),
  /** Object keys that start with this text (e.g. `builds/orders/`). */
  prefix: z.string().min(1).max(1024).optional(),
  /** Object keys that end with this text (e.g. `.zip`). */
  suffix: z.string().min(1).max(1024).optional(),
});

export const ecrSourceSchema = z.strictObject({
  repository: z
    .string()
    .min(2)
    .max(256)
    .regex(REPOSITORY_PATTERN, 'must be an ECR repository name (lower-case letters, digits, ".", "_", "-" and "/")'),
  /** Tags to deploy, `*` for any run of characters and `?` for one (`v*`, `release-??`); any push when absent. */
  tagPattern: z.string().regex(TAG_PATTERN_PATTERN, 'must be an image tag pattern: letters, digits, "_", ".", "-", "*" and "?"').optional(),
});

export const sourcesSchema = z.strictObject({
  s3: z.array(s3SourceSchema).max(100).optional(),
  ecr: z.array(ecrSourceSchema).max(100).optional(),
});

export const groupSchema = z.strictObject({
  name: z.string().regex(GROUP_NAME_PATTERN, 'must be 1–100 letters, digits, ".", "_" or "-", starting with a letter or digit'),
  /** The function to deploy: name or ARN. */
  function: functionNameSchema,
  alias: aliasSchema,
  ...deploymentSettingsShape,
  sources: sourcesSchema.optional(),
  description: descriptionSchema.optional(),
});

export type DeploymentGroup = z.infer<typeof groupSchema>;
export type S3Source = z.infer<typeof s3SourceSchema>;
export type EcrSource = z.infer<typeof ecrSourceSchema>;

/** What the table holds for a group (shared/core/model/record.ts: `GROUP#<name>` / `GROUP`, listed on gsi1 `GROUPS`). */
export interface GroupItem {
  pk: string;
  sk: 'GROUP';
  gsi1pk: 'GROUPS';
  gsi1sk: string;
  group: DeploymentGroup;
  createdAt: string;
  updatedAt: string;
}

export const GROUPS_INDEX_KEY = 'GROUPS';
