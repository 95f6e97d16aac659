/**
 * CodeDeploy's wire protocol for one operation, PutLifecycleEventHookExecutionStatus (awsJson1_1):
 * request parsing and response shapes. Field names, the status enum and the error names follow
 * the botocore model codedeploy/2014-10-06.
 */
import { randomUUID } from 'node:crypto';

export const OPERATION = 'PutLifecycleEventHookExecutionStatus';
export const TARGET = `CodeDeploy_20141006.${OPERATION}`;
export const CONTENT_TYPE = 'application/x-amz-json-1.1';
/** A report is three short strings; anything past this is not a report. */
export const MAX_BODY_BYTES = 64 * 1024;
/** botocore LifecycleEventStatus; a hook may report only Succeeded or Failed (ReportedStatus, hooks/types.ts). */
export const LIFECYCLE_EVENT_STATUSES = ['Pending', 'InProgress', 'Succeeded', 'Failed', 'Skipped', 'Unknown'] as const;

export type CodeDeployErrorName =
  | 'InvalidLifecycleEventHookExecutionStatusException'
  | 'InvalidLifecycleEventHookExecutionIdException'
  | 'LifecycleEventAlreadyCompletedException'
  | 'DeploymentIdRequiredException'
  | 'SerializationException'
  | 'UnknownOperationException'
  | 'RequestEntityTooLargeException'
  | 'MethodNotAllowedException'
  | 'InternalFailure';

export interface StatusHttpRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  /** The raw body: text, or bytes as received. */
  body?: string | Uint8Array | null;
}

export interface StatusHttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface StatusReport {
  deploymentId: string;
  lifecycleEventHookExecutionId: string;
  status: 'Succeeded' | 'Failed';
}

/** A request that must be refused, with the awsJson error it gets. */
export class ProtocolError extends Error {
  constructor(
    readonly type: CodeDeployErrorName,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = type;
  }
}

export function header(headers: StatusHttpRequest['headers'], name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value.join(',') : value;
  }
  return undefined;
}

function baseHeaders(): Record<string, string> {
  return { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': randomUUID() };
}

export function okResponse(executionId: string): StatusHttpResponse {
  return { statusCode: 200, headers: baseHeaders(), body: JSON.stringify({ lifecycleEventHookExecutionId: executionId }) };
}

/** awsJson1_1 errors: the name in `__type` and in `x-amzn-errortype`, a human `message`. */
export function errorResponse(type: CodeDeployErrorName, message: string, statusCode = 400): StatusHttpResponse {
  const headers: Record<string, string> = { ...baseHeaders(), 'x-amzn-errortype': type };
  if (statusCode === 405) headers['allow'] = 'POST';
  return { statusCode, headers, body: JSON.stringify({ __type: type, message }) };
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/** Checks method, target, content type, size and shape; returns the report or throws ProtocolError. */
export function parseStatusRequest(request: StatusHttpRequest): StatusReport {
  if (request.method.toUpperCase() !== 'POST') {
    throw new ProtocolError('MethodNotAllowedException', `method: must be POST, got ${request.method}`, 405);
  }
  const target = header(request.headers, 'x-amz-target');
  if (target !== TARGET) {
    throw new ProtocolError('UnknownOperationException', `X-Amz-Target: only ${TARGET} is served here, got ${describe(target ?? null)}`);
  }
  const contentType = header(request.headers, 'content-type');
  if (contentType !== undefined && !/^application\/(x-amz-json-1\.[01]|json)\s*(;|$)/i.test(contentType)) {
    throw new ProtocolError('SerializationException', `Content-Type: must be ${CONTENT_TYPE}, got ${describe(contentType)}`);
  }
  const raw = request.body ?? '';
  const bytes = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.byteLength;
  if (bytes > MAX_BODY_BYTES) {
    throw new ProtocolError('RequestEntityTooLargeException', `body: must be at most ${MAX_BODY_BYTES} bytes, got ${bytes}`);
  }
  const text = typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text === '' ? '{}' : text);
  } catch {
    throw new ProtocolError('SerializationException', 'body: must be a JSON object');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ProtocolError('SerializationException', `body: must be a JSON object, got ${describe(parsed)}`);
  }
  const fields = parsed as Record<string, unknown>;
  for (const name of ['deploymentId', 'lifecycleEventHookExecutionId', 'status']) {
    const value = fields[name];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      throw new ProtocolError('SerializationException', `${name}: must be a string, got ${describe(value)}`);
    }
  }
  const { deploymentId, lifecycleEventHookExecutionId: executionId, status } = fields as Record<string, string | undefined>;
  if (!deploymentId) throw new ProtocolError('DeploymentIdRequiredException', 'deploymentId: is required');
  if (!executionId) {
    throw new ProtocolError('InvalidLifecycleEventHookExecutionIdException', 'lifecycleEventHookExecutionId: is required');
  }
  if (status !== 'Succeeded' && status !== 'Failed') {
    const known = (LIFECYCLE_EVENT_STATUSES as readonly string[]).includes(status ?? '');
    throw new ProtocolError(
      'InvalidLifecycleEventHookExecutionStatusException',
      `status: must be Succeeded or Failed${known ? '' : ` (one of ${LIFECYCLE_EVENT_STATUSES.join(', ')})`}, got ${describe(status ?? null)}`,
    );
  }
  return { deploymentId, lifecycleEventHookExecutionId: executionId, status };
}
