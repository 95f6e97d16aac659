/**
 * CloudWatch's errors in their awsJson1_0 query-compatible form: `__type` is the model's error
 * shape, `x-amzn-query-error` carries the query code the SDK maps back to that shape.
 */
import { ServiceError } from '../errors.ts';
import { validate, type Check } from '../validation.ts';

function cw(shape: string, queryCode: string, message: string, status = 400): ServiceError {
  return new ServiceError(shape, message, { status, queryCode });
}

export const cwError = {
  invalidParameterValue: (message: string) => cw('InvalidParameterValueException', 'InvalidParameterValue', message),
  invalidParameterCombination: (message: string) => cw('InvalidParameterCombinationException', 'InvalidParameterCombination', message),
  missingParameter: (message: string) => cw('MissingRequiredParameterException', 'MissingParameter', message),
  resourceNotFound: (message: string) => cw('ResourceNotFound', 'ResourceNotFound', message, 404),
  invalidNextToken: (message: string) => cw('InvalidNextToken', 'InvalidNextToken', message),
  invalidFormat: (message: string) => cw('InvalidFormatFault', 'InvalidFormat', message),
  validation: (message: string) => cw('ValidationException', 'ValidationError', message),
  throttling: () => cw('ThrottlingException', 'Throttling', 'Rate exceeded'),
};

/** Model-constraint validation, reported as CloudWatch's `ValidationError`. */
export function validateCw(checks: readonly Check[]): void {
  validate(checks, 'ValidationException', { queryCode: 'ValidationError' });
}

/** awsJson timestamps are epoch seconds; accept ISO strings too. */
export function readTimestamp(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value * 1000;
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return Date.parse(value);
  throw cwError.validation(`1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: Member must be a timestamp`);
}

export const seconds = (ms: number): number => ms / 1000;
