/** The one way the unit tests catch a rejection of their input: it must be a ValidationError. */
import { expect } from 'vitest';
import { ValidationError } from '../../shared/core/errors.ts';

/** Runs `run`, expecting it to throw a ValidationError; returns it for assertions on its field and message. */
export function rejected(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError');
}
