/**
 * How long a plan may wait. A Standard Step Functions execution lasts at most one year, so no
 * single wait, and no plan's waits together, may be longer.
 */
export const MAX_EXECUTION_SECONDS = 365 * 24 * 3600;
export const MAX_EXECUTION_MINUTES = MAX_EXECUTION_SECONDS / 60;
