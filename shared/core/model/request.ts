/**
 * The deployment request: the canonical input. AppSpec files, SAM
 * DeploymentPreference and CLI flags are all translated into this shape.
 */
import { z } from 'zod';
import { boundedDuration, durationSchema } from './durations.ts';
import { analysisSchema } from './analysis.ts';
import { MAX_EXECUTION_SECONDS } from '../strategies/limits.ts';

/** Lambda's own pattern for a function name, partial ARN or full ARN (botocore lambda FunctionName). */
export const FUNCTION_NAME_PATTERN =
  /^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$/;
/** Lambda's alias name pattern: letters, digits, - and _, not all digits. */
export const ALIAS_PATTERN = /^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$/;
/** A published version: a positive integer, never $LATEST. */
export const VERSION_PATTERN = /^[1-9][0-9]*$/;
/** CloudWatch alarm names: 1–255 characters. */
export const MAX_ALARM_NAME = 255;
export const MAX_HOOK_TIMEOUT_SECONDS = 12 * 3600;

/**
 * Request limits (docs/deployments.md lists them). Each keeps a deployment's record and its work
 * bounded: CloudWatch DescribeAlarms reads 100 names per call, and a record of a request this size
 * stays far below DynamoDB's 400 KB item limit whatever the plan.
 */
export const MAX_ALARMS = 100;
/** The serialized request, in bytes of UTF-8 JSON. */
export const MAX_REQUEST_BYTES = 64 * 1024;
/** A final bake of two weeks watches a finished shift long enough; beyond that it is most likely a unit slip. */
export const MAX_FINAL_BAKE_SECONDS = 14 * 24 * 3600;

export const functionNameSchema = z
  .string()
  .min(1)
  .max(140)
  .regex(FUNCTION_NAME_PATTERN, 'must be a Lambda function name or ARN');

/** The `:1` / `:live` after a function name or ARN, or undefined. */
export function functionQualifier(name: string): string | undefined {
  return FUNCTION_NAME_PATTERN.exec(name)?.[9];
}

/** The function a deployment moves: its alias is a field of its own, so no version or alias qualifier. */
export const deployedFunctionSchema = functionNameSchema.refine(
  (name) => functionQualifier(name) === undefined,
  'must be the unqualified function name or ARN (no :version or :alias suffix; the alias goes in "alias")',
);

export const aliasSchema = z.string().min(1).max(128).regex(ALIAS_PATTERN, 'must be letters, digits, - or _, and not only digits');

export const versionSchema = z
  .string()
  .regex(VERSION_PATTERN, 'must be a published version number (a positive integer, never $LATEST)');

const hookTargetSchema = functionNameSchema;

export const stepSchema = z.union([
  z.strictObject({ setWeight: z.number() }),
  z.strictObject({ bake: durationSchema }),
  z.strictObject({
    pause: z.strictObject({
      duration: durationSchema.optional(),
      until: z.iso.datetime({ offset: true }).optional(),
      untilWindow: z.boolean().optional(),
    }),
  }),
  z.strictObject({ approval: z.union([z.strictObject({}), z.literal(true)]) }),
  z.strictObject({ hook: hookTargetSchema }),
  /** Hold the weight until the analysis has passed for `duration`; at `timeout` the analysis policy's onInconclusive applies. */
  z.strictObject({ analysis: z.strictObject({ duration: durationSchema, timeout: durationSchema.optional() }) }),
]);

export type StepInput = z.infer<typeof stepSchema>;

export const timeBasedSchema = z.strictObject({
  type: z.enum(['TimeBasedCanary', 'TimeBasedLinear']),
  percentage: z.number(),
  intervalMinutes: z.number(),
});

export const stepListSchema = z.strictObject({ steps: z.array(stepSchema).min(1, 'must hold at least one step') });

export const allAtOnceSchema = z.strictObject({ type: z.literal('AllAtOnce') });

export const strategySchema = z.union([z.string().min(1), timeBasedSchema, allAtOnceSchema, stepListSchema]);

export type StrategyInput = z.infer<typeof strategySchema>;

export const hooksSchema = z.strictObject({
  beforeAllowTraffic: hookTargetSchema.optional(),
  afterAllowTraffic: hookTargetSchema.optional(),
  perStep: hookTargetSchema.optional(),
});

export const alarmPolicySchema = z.strictObject({
  /**
   * Deprecated: health is no longer polled (alarm state-change events end a wait at once, and the
   * watcher re-reads every alarm each minute). Accepted so existing requests keep working; Prepare
   * records a warning and it has no effect.
   */
  checkIntervalSeconds: z.number().int().min(1).max(3600).optional(),
  ignorePollAlarmFailure: z.boolean().optional(),
  enabled: z.boolean().optional(),
  /** Start even when an alarm is already in ALARM (CodeDeploy fails with ALARM_ACTIVE). */
  ignoreAlarmsAtStart: z.boolean().optional(),
});

export const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

export const windowSchema = z.strictObject({
  days: z.array(z.enum(DAY_NAMES)).min(1).optional(),
  start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)'),
  end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM (24-hour)'),
  timezone: z.string().min(1).optional(),
});

export const codeDeploySchema = z.strictObject({
  deploymentId: z.string().min(1),
  lifecycleEventHookExecutionId: z.string().min(1),
});

/** What a notification can be sent for (shared/core/notifications/events.ts says when each happens). */
export const NOTIFICATION_EVENTS = ['started', 'step', 'paused', 'succeeded', 'failed', 'rolledBack'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];
/** Sent when a notification names no events: the start and every end. */
export const DEFAULT_NOTIFICATION_EVENTS: readonly NotificationEvent[] = ['started', 'succeeded', 'failed', 'rolledBack'];

/** SNS's pattern for a topic ARN (botocore sns Publish TopicArn is a plain string; this is the ARN form). */
export const TOPIC_ARN_PATTERN = /^arn:aws[a-zA-Z-]*:sns:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

/** https, or http to a loopback address (a receiver on the same machine). */
export function isWebhookUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

const notificationEventsSchema = z.array(z.enum(NOTIFICATION_EVENTS)).min(1, 'must name at least one event').optional();

export const notificationSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('sns'),
    topicArn: z.string().regex(TOPIC_ARN_PATTERN, 'must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)'),
    events: notificationEventsSchema,
  }),
  z.strictObject({
    type: z.enum(['slack', 'teams', 'webhook']),
    url: z.string().max(2048).refine(isWebhookUrl, 'must be an https URL (or http to localhost)'),
    events: notificationEventsSchema,
  }),
]);

export type Notification = z.infer<typeof notificationSchema>;

/**
 * How a deployment goes, apart from what it deploys: the fields a request and a deployment group
 * (shared/core/model/group.ts) share, and that a group passes on to each request it makes (shared/core/groups.ts).
 */
export const deploymentSettingsShape = {
  strategy: strategySchema,
  hooks: hooksSchema.optional(),
  hookTimeoutSeconds: z.number().int().min(1).max(MAX_HOOK_TIMEOUT_SECONDS).optional(),
  alarms: z.array(z.string().min(1).max(MAX_ALARM_NAME)).max(MAX_ALARMS).optional(),
  alarmPolicy: alarmPolicySchema.optional(),
  finalBake: boundedDuration(MAX_FINAL_BAKE_SECONDS, '14 days').optional(),
  windows: z.array(windowSchema).optional(),
  notifications: z.array(notificationSchema).max(10).optional(),
  analysis: analysisSchema.optional(),
};

export const DEPLOYMENT_SETTINGS = Object.keys(deploymentSettingsShape) as (keyof typeof deploymentSettingsShape)[];

/** Free text carried to the record and events (who or what started it). */
export const descriptionSchema = z.string().max(1024);

export const deploymentRequestSchema = z.strictObject({
  functionName: deployedFunctionSchema,
  alias: aliasSchema,
  currentVersion: versionSchema.optional(),
  targetVersion: versionSchema,
  ...deploymentSettingsShape,
  codeDeploy: codeDeploySchema.nullable().optional(),
  description: descriptionSchema.optional(),
});

export type DeploymentRequest = z.infer<typeof deploymentRequestSchema>;

/**
 * For planning only (`glidepath plan`): the same request with function, alias and target version
 * optional, so a strategy or a SAM template without versions can be planned. Never used to deploy.
 */
export const planningRequestSchema = deploymentRequestSchema.partial({ functionName: true, alias: true, targetVersion: true });

export type PlanningRequest = z.infer<typeof planningRequestSchema>;
export type DeploymentWindow = z.infer<typeof windowSchema>;

export const DEFAULTS = {
  hookTimeoutSeconds: 3600,
  ignorePollAlarmFailure: false,
  alarmsEnabled: true,
} as const;
