/**
 * The offline checks of template.yaml, all together: `runTemplateChecks()` returns the problems
 * of each check (an empty list when it passes). `node --import tsx infra/checks/index.ts` prints them.
 * test/unit/template.test.ts runs each check, on the real template and on broken copies of it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { listHandlers, PROJECT_ROOT, FUNCTIONS_DIR } from '../build.ts';
import { checkAslValid, checkInvokeScope, checkSubstitutions, checkTasks, loadStateMachines } from './asl.ts';
import { checkBuildMatchesTemplate, checkBuildProperties, checkHandlerPaths, checkLogGroups, templateFunctions } from './handlers.ts';
import { allowedActionsByOwner, checkIamActions } from './iam.ts';
import { checkDependencyCycles, checkReferences } from './references.ts';
import { compareGrants, handlerCalls } from './sdk-calls.ts';
import { checkResourceSpec, Spec } from './spec.ts';
import { loadTemplate, type Template } from './template.ts';

export type CheckName =
  | 'spec'
  | 'references'
  | 'cycles'
  | 'iamActions'
  | 'aslValid'
  | 'substitutions'
  | 'tasks'
  | 'invokeScope'
  | 'handlerPaths'
  | 'buildProperties'
  | 'buildMatchesTemplate'
  | 'logGroups'
  | 'grantsMatchCode';

/**
 * Calls the static reading finds in a function's code but the function never makes, and why.
 * The reading keeps whole objects: a class method that another handler uses stays in the output.
 */
export const CALLS_NOT_MADE: Record<string, Record<string, string>> = {
  HookStatusFunction: {
    'dynamodb:PutItem': 'DynamoHookStore.create (shared/aws/hook-store.ts): only run-hook registers hook executions',
  },
  ReconcileFunction: {
    'states:SendTaskSuccess': "release() (shared/tasks/control.ts) answers operators' releases with success; reconcile only fails waits (failWaitingStep)",
  },
};

/** IAM grants compared with the code of every function whose handler exists (handlerPaths reports the others). */
export async function checkGrantsMatchCode(
  template: Template,
  root: string,
  notMade: Record<string, Record<string, string>> = CALLS_NOT_MADE,
): Promise<string[]> {
  const allowed = allowedActionsByOwner(template);
  const problems: string[] = [];
  for (const fn of templateFunctions(template)) {
    if (!fn.name || !Array.isArray(fn.entryPoints) || typeof fn.entryPoints[0] !== 'string') continue;
    const entry = join(root, FUNCTIONS_DIR, fn.name, fn.entryPoints[0]);
    if (!existsSync(entry)) continue;
    let calls;
    try {
      calls = await handlerCalls(entry, root);
    } catch (error) {
      problems.push(`${fn.id}: cannot read the calls of ${FUNCTIONS_DIR}/${fn.name}/${fn.entryPoints[0]} (${(error as Error).message.split('\n')[0]})`);
      continue;
    }
    const excused = notMade[fn.id] ?? {};
    for (const action of Object.keys(excused)) {
      if (!calls.actions.includes(action)) problems.push(`${fn.id}: CALLS_NOT_MADE excuses ${action}, which its code no longer contains; remove the entry`);
    }
    calls = { ...calls, actions: calls.actions.filter((action) => !(action in excused)) };
    problems.push(...compareGrants(fn.id, calls, allowed.get(fn.id) ?? []));
  }
  return problems;
}

export interface CheckOptions {
  root?: string;
  template?: Template;
  spec?: Spec;
}

export async function runTemplateChecks(options: CheckOptions = {}): Promise<Record<CheckName, string[]>> {
  const root = options.root ?? PROJECT_ROOT;
  const template = options.template ?? loadTemplate(root);
  const spec = options.spec ?? Spec.load();
  const { machines, problems: loadProblems } = loadStateMachines(template, root);
  return {
    spec: checkResourceSpec(template, spec),
    references: checkReferences(template, spec),
    cycles: checkDependencyCycles(template),
    iamActions: checkIamActions(template),
    aslValid: [...loadProblems, ...machines.flatMap(checkAslValid)],
    substitutions: machines.flatMap((m) => checkSubstitutions(template, m)),
    tasks: machines.flatMap((m) => checkTasks(m)),
    invokeScope: machines.flatMap((m) => checkInvokeScope(template, m)),
    handlerPaths: await checkHandlerPaths(template, root),
    buildProperties: checkBuildProperties(template),
    buildMatchesTemplate: checkBuildMatchesTemplate(template, listHandlers(root)),
    logGroups: checkLogGroups(template),
    grantsMatchCode: await checkGrantsMatchCode(template, root),
  };
}

async function main(): Promise<number> {
  const results = await runTemplateChecks();
  let failed = 0;
  for (const [name, problems] of Object.entries(results)) {
    console.log(`${problems.length === 0 ? 'ok  ' : 'FAIL'} ${name}`);
    for (const problem of problems) console.log(`     ${problem}`);
    if (problems.length) failed++;
  }
  console.log(`\n${Object.keys(results).length - failed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then((code) => process.exit(code));
}
