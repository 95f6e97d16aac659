/**
 * The preflight: pure checks over what Prepare read, before anything changes.
 * Returns every violation (not only the first), each with its error code (shared/core/errors.ts) and the field it is
 * about, so a refusal lists everything that has to be fixed.
 */
import type { ErrorCode } from './errors.ts';
import type { DeploymentRequest } from './model/request.ts';

export interface Violation {
  code: ErrorCode;
  field: string;
  message: string;
}

/** A function or version as GetFunctionConfiguration describes it. */
export interface VersionObservation {
  version: string;
  role?: string;
  deadLetterTargetArn?: string;
}

export interface HookObservation {
  /** Where the request names it: `hooks.beforeAllowTraffic`, `strategy.steps[3].hook`, … */
  field: string;
  name: string;
  exists: boolean;
}

export interface PreflightInput {
  request: DeploymentRequest;
  functionFound: boolean;
  /** `undefined`: the alias does not exist (or was not read because the function does not). */
  alias?: { functionVersion: string; weights: Record<string, number> };
  /** The version the deployment starts from: the request's, else the alias's. */
  currentVersion?: string;
  /** `undefined`: that version does not exist (or was not read). */
  current?: VersionObservation;
  target?: VersionObservation;
  hooks: HookObservation[];
  /** `undefined` when alarms were not read (none given, or alarms disabled). */
  alarms?: { alarms: { name: string; state: string }[]; missing: string[] };
}

const LATEST = '$LATEST';

function versionChecks(input: PreflightInput, out: Violation[]): void {
  const { request, currentVersion, current, target } = input;
  // An alias on $LATEST is reported once, by the alias check.
  if (currentVersion !== undefined && currentVersion !== LATEST && current === undefined) {
    out.push({
      code: 'INVALID_LAMBDA_FUNCTION',
      field: 'currentVersion',
      message: `currentVersion: version ${currentVersion} of ${request.functionName} does not exist`,
    });
  }
  if (target === undefined) {
    out.push({
      code: 'INVALID_REVISION',
      field: 'targetVersion',
      message: `targetVersion: version ${request.targetVersion} of ${request.functionName} does not exist`,
    });
  }
  for (const [field, wanted, seen] of [
    ['currentVersion', currentVersion, current],
    ['targetVersion', request.targetVersion, target],
  ] as const) {
    if (seen && (seen.version === LATEST || seen.version !== wanted)) {
      out.push({
        code: field === 'targetVersion' ? 'INVALID_REVISION' : 'INVALID_LAMBDA_CONFIGURATION',
        field,
        message: `${field}: must be a published version, Lambda describes ${wanted} as ${seen.version}`,
      });
    }
  }
  if (current && target) {
    if ((current.role ?? '') !== (target.role ?? '')) {
      out.push({
        code: 'INVALID_LAMBDA_CONFIGURATION',
        field: 'targetVersion',
        message: `targetVersion: version ${request.targetVersion} runs as ${target.role ?? 'no role'} but version ${currentVersion} as ${current.role ?? 'no role'}; an alias can split traffic only between versions with the same execution role`,
      });
    }
    if ((current.deadLetterTargetArn ?? '') !== (target.deadLetterTargetArn ?? '')) {
      out.push({
        code: 'INVALID_LAMBDA_CONFIGURATION',
        field: 'targetVersion',
        message: `targetVersion: version ${request.targetVersion} sends failed events to ${target.deadLetterTargetArn ?? 'no dead-letter queue'} but version ${currentVersion} to ${current.deadLetterTargetArn ?? 'no dead-letter queue'}; an alias can split traffic only between versions with the same dead-letter configuration`,
      });
    }
  }
}

function aliasChecks(input: PreflightInput, out: Violation[]): void {
  const { request, alias } = input;
  if (!alias) {
    out.push({ code: 'INVALID_LAMBDA_FUNCTION', field: 'alias', message: `alias: ${request.functionName} has no alias ${request.alias}` });
    return;
  }
  if (alias.functionVersion === LATEST) {
    out.push({
      code: 'INVALID_LAMBDA_CONFIGURATION',
      field: 'alias',
      message: `alias: ${request.alias} points at $LATEST; Glidepath shifts traffic between published versions only`,
    });
  } else if (request.currentVersion !== undefined && request.currentVersion !== alias.functionVersion) {
    out.push({
      code: 'INVALID_LAMBDA_CONFIGURATION',
      field: 'currentVersion',
      message: `currentVersion: alias ${request.alias} serves version ${alias.functionVersion}, not ${request.currentVersion}`,
    });
  }
  const weighted = Object.entries(alias.weights).filter(([, w]) => w > 0);
  if (weighted.length > 0) {
    const shown = weighted.map(([v, w]) => `${Math.round(w * 10000) / 100}% to version ${v}`).join(', ');
    out.push({
      code: 'INVALID_LAMBDA_CONFIGURATION',
      field: 'alias',
      message: `alias: ${request.alias} already routes ${shown}; a deployment starts from an alias that serves one version with no weights`,
    });
  }
}

export function preflight(input: PreflightInput): Violation[] {
  const out: Violation[] = [];
  const { request } = input;
  if (!input.functionFound) {
    out.push({ code: 'INVALID_LAMBDA_FUNCTION', field: 'functionName', message: `functionName: function ${request.functionName} does not exist` });
  } else {
    aliasChecks(input, out);
    if (input.currentVersion !== undefined && input.currentVersion === request.targetVersion) {
      out.push({
        code: 'INVALID_REVISION',
        field: 'targetVersion',
        message: `targetVersion: version ${request.targetVersion} is the version alias ${request.alias} serves already`,
      });
    } else {
      versionChecks(input, out);
    }
  }

  for (const hook of input.hooks) {
    if (!hook.exists) out.push({ code: 'INVALID_LAMBDA_FUNCTION', field: hook.field, message: `${hook.field}: hook function ${hook.name} does not exist` });
  }

  if (input.alarms) {
    for (const name of input.alarms.missing) {
      out.push({ code: 'INVALID_ALARM_CONFIG', field: 'alarms', message: `alarms: alarm ${name} does not exist` });
    }
    if (!request.alarmPolicy?.ignoreAlarmsAtStart) {
      for (const alarm of input.alarms.alarms.filter((a) => a.state === 'ALARM')) {
        out.push({
          code: 'ALARM_ACTIVE',
          field: 'alarms',
          message: `alarms: alarm ${alarm.name} is in ALARM before the first shift (set alarmPolicy.ignoreAlarmsAtStart to start anyway)`,
        });
      }
    }
  }
  return out;
}
