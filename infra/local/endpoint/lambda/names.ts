/**
 * Lambda's identifiers: function names in their three forms (name, partial ARN, ARN, each with an
 * optional `:qualifier`), qualifiers, alias names and ARNs — with the botocore model's patterns.
 */
import { ServiceError } from '../errors.ts';
import { validate } from '../validation.ts';

export const FUNCTION_NAME_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';
export const NAMESPACED_FUNCTION_NAME_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';
export const FUNCTION_ARN_PATTERN =
  'arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}(-gov)?-[a-z]+-\\d{1}:\\d{12}:function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?';
export const QUALIFIER_PATTERN = '(|[a-zA-Z0-9$_-]+)';
export const ALIAS_PATTERN = '(?!^[0-9]+$)([a-zA-Z0-9-_]+)';
export const VERSION_PATTERN = '(\\$LATEST|[0-9]+)';
export const LATEST = '$LATEST';

/** Captures: 7 = name, 9 = qualifier (group numbers of the model pattern, anchored). */
const CAPTURE = new RegExp(`^${NAMESPACED_FUNCTION_NAME_PATTERN}$`);

export interface FunctionRef {
  name: string;
  /** A qualifier given inside the name (`name:alias`, `arn:…:function:name:7`). */
  qualifier?: string;
}

export interface ParseOptions {
  /** Invoke, GetFunction… accept the "namespaced" form (dots allowed, 170 characters). */
  namespaced?: boolean;
  /** The request's field name for messages (default `functionName`). */
  field?: string;
}

/** Validates a FunctionName the way the service does and splits off the qualifier. */
export function parseFunctionName(raw: unknown, options: ParseOptions = {}): FunctionRef {
  const field = options.field ?? 'functionName';
  validate([
    [
      field,
      raw,
      options.namespaced
        ? { required: true, type: 'string', minLength: 1, maxLength: 170, pattern: NAMESPACED_FUNCTION_NAME_PATTERN }
        : { required: true, type: 'string', minLength: 1, maxLength: 140, pattern: FUNCTION_NAME_PATTERN },
    ],
  ]);
  const match = CAPTURE.exec(raw as string)!;
  const name = match[7]!;
  validate([[field, name, { maxLength: 64 }]]);
  return match[9] === undefined ? { name } : { name, qualifier: match[9] };
}

/** Combines a qualifier inside the name with the `Qualifier` parameter, as the service does. */
export function effectiveQualifier(ref: FunctionRef, qualifierParam: string | null | undefined): string | undefined {
  const param = qualifierParam === null || qualifierParam === '' ? undefined : qualifierParam;
  if (param !== undefined) validate([['qualifier', param, { minLength: 1, maxLength: 128, pattern: QUALIFIER_PATTERN }]]);
  if (ref.qualifier !== undefined && param !== undefined && ref.qualifier !== param) {
    throw invalidParameter('The derived qualifier from the function name does not match the specified qualifier.');
  }
  return param ?? ref.qualifier;
}

export function isVersionNumber(qualifier: string): boolean {
  return /^[0-9]+$/.test(qualifier);
}

export interface Account {
  region: string;
  accountId: string;
}

export function functionArn(account: Account, name: string, qualifier?: string): string {
  return `arn:aws:lambda:${account.region}:${account.accountId}:function:${name}${qualifier === undefined ? '' : `:${qualifier}`}`;
}

export function invalidParameter(message: string): ServiceError {
  return new ServiceError('InvalidParameterValueException', message, { status: 400 });
}

export function functionNotFound(account: Account, name: string, qualifier?: string): ServiceError {
  return new ServiceError('ResourceNotFoundException', `Function not found: ${functionArn(account, name, qualifier)}`, {
    status: 404,
    messageKey: 'Message',
  });
}

export function aliasNotFound(account: Account, name: string, alias: string): ServiceError {
  return new ServiceError('ResourceNotFoundException', `Cannot find alias arn: ${functionArn(account, name, alias)}`, {
    status: 404,
    messageKey: 'Message',
  });
}

export function preconditionFailed(): ServiceError {
  return new ServiceError(
    'PreconditionFailedException',
    'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
    { status: 412 },
  );
}

export function conflict(message: string): ServiceError {
  return new ServiceError('ResourceConflictException', message, { status: 409 });
}
