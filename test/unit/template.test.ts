/**
 * Offline checks of template.yaml: the real template passes every check, and a
 * deliberately broken copy fails each one, so no check passes by construction.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHandlers, listHandlers, PROJECT_ROOT, SAM_BUILD_PROPERTIES } from '../../infra/build.ts';
import { checkAslValid, checkInvokeScope, checkSubstitutions, checkTasks, loadStateMachines, type StateMachineSource } from '../../infra/checks/asl.ts';
import { checkBuildMatchesTemplate, checkBuildProperties, checkHandlerPaths, checkLogGroups } from '../../infra/checks/handlers.ts';
import { allowedActionsByOwner, checkIamActions } from '../../infra/checks/iam.ts';
import { checkGrantsMatchCode } from '../../infra/checks/index.ts';
import { checkDependencyCycles, checkReferences } from '../../infra/checks/references.ts';
import { callsInCode, compareGrants, handlerCalls } from '../../infra/checks/sdk-calls.ts';
import { runSamEsbuild, samEsbuildArgs } from '../../infra/checks/sam-esbuild.ts';
import { checkResourceSpec, Spec } from '../../infra/checks/spec.ts';
import { effectiveFunctionProperties, isDict, loadTemplate, walk, type Dict, type Template } from '../../infra/checks/template.ts';
import { TABLE_KEYS } from '../../shared/core/model/record.ts';

let spec: Spec;
let template: Template;
let machine: StateMachineSource;

beforeAll(() => {
  spec = Spec.load();
  template = loadTemplate(PROJECT_ROOT);
  const loaded = loadStateMachines(template, PROJECT_ROOT);
  expect(loaded.problems).toEqual([]);
  expect(loaded.machines).toHaveLength(1);
  machine = loaded.machines[0]!;
});

/** A deep copy of the template with one change. */
function broken(change: (t: Template) => void): Template {
  const copy = structuredClone(template);
  change(copy);
  return copy;
}

function resource(t: Template, id: string): Dict {
  return t.Resources[id] as unknown as Dict;
}

function props(t: Template, id: string): Dict {
  return t.Resources[id]!.Properties!;
}

function statement(t: Template, id: string, sid: string): Dict {
  const policies = props(t, id).Policies as { Statement: Dict[] }[];
  const found = policies.flatMap((p) => p.Statement).find((s) => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid} on ${id}`);
  return found;
}

function withDefinition(change: (definition: Dict) => void): StateMachineSource {
  const definition = structuredClone(machine.definition);
  change(definition);
  return { ...machine, definition, text: JSON.stringify(definition) };
}

function states(definition: Dict): Record<string, Dict> {
  return definition.States as Record<string, Dict>;
}

describe('template.yaml', () => {
  it('is a SAM template that yaml-cfn parses', () => {
    expect(template.Transform).toBe('AWS::Serverless-2016-10-31');
    expect(Object.keys(template.Resources).length).toBeGreaterThan(10);
  });

  it('names only resource types and properties that exist in @aws-cdk/aws-service-spec', () => {
    expect(checkResourceSpec(template, spec)).toEqual([]);
  });

  it('resolves every Ref, GetAtt and Sub placeholder', () => {
    expect(checkReferences(template, spec)).toEqual([]);
  });

  it('has no dependency cycle once SAM has expanded it', () => {
    expect(checkDependencyCycles(template)).toEqual([]);
  });

  it('grants no wildcard action, and "*" resources only where AWS allows nothing narrower', () => {
    expect(checkIamActions(template)).toEqual([]);
  });

  it('uses DeployableFunctionArns and HookFunctionArns only as statement resources', () => {
    const misuse: string[] = [];
    walk(template, '', (value, path) => {
      if (isDict(value) && (value.Ref === 'DeployableFunctionArns' || value.Ref === 'HookFunctionArns') && !/\.Statement\[\d+\]\.Resource$/.test(path)) misuse.push(path);
    });
    expect(misuse).toEqual([]);
  });

  it('wires a state machine whose ASL passes asl-validator', () => {
    expect(checkAslValid(machine)).toEqual([]);
  });

  it('defines exactly the substitutions the ASL uses', () => {
    expect(checkSubstitutions(template, machine)).toEqual([]);
  });

  it('gives every Task a throttling Retry with backoff and jitter, a Catch and a timeout', () => {
    expect(checkTasks(machine)).toEqual([]);
  });

  it('lets the state machine invoke exactly its controller functions', () => {
    expect(checkInvokeScope(template, machine)).toEqual([]);
  });

  it('finds every handler where sam build looks (CodeUri, EntryPoints, Handler, export)', async () => {
    expect(await checkHandlerPaths(template, PROJECT_ROOT)).toEqual([]);
  });

  it('builds with the esbuild options of npm run build', () => {
    expect(checkBuildProperties(template)).toEqual([]);
  });

  it('deploys exactly the handlers npm run build bundles', () => {
    expect(checkBuildMatchesTemplate(template, listHandlers())).toEqual([]);
  });

  it('gives every function and the state machine a log group of its own, with retention', () => {
    expect(checkLogGroups(template)).toEqual([]);
  });

  it("allows each function exactly the AWS actions its handler's code calls", async () => {
    expect(await checkGrantsMatchCode(template, PROJECT_ROOT)).toEqual([]);
  });

  it('lays the table out as shared/core/model/record.ts says', () => {
    const table = props(template, 'DeploymentsTable');
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.KeySchema).toEqual([
      { AttributeName: TABLE_KEYS.pk, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sk, KeyType: 'RANGE' },
    ]);
    expect(table.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: TABLE_KEYS.gsi1,
        KeySchema: [
          { AttributeName: TABLE_KEYS.gsi1pk, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.gsi1sk, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: TABLE_KEYS.gsi2,
        KeySchema: [
          { AttributeName: TABLE_KEYS.gsi2pk, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.gsi2sk, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ]);
    expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: 'ttl', Enabled: true });
    expect(table.SSESpecification).toEqual({ SSEEnabled: true });
  });

  it('runs every function on nodejs22.x arm64 with the environment the handlers read', () => {
    for (const [id] of Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Serverless::Function')) {
      const p = effectiveFunctionProperties(template, id);
      expect(p.Runtime, id).toBe('nodejs22.x');
      expect(p.Architectures, id).toEqual(['arm64']);
      const variables = (p.Environment as { Variables: Dict }).Variables;
      expect(Object.keys(variables), id).toEqual(expect.arrayContaining(['TABLE_NAME', 'EVENT_BUS_NAME', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE']));
      expect(p.LoggingConfig, id).toMatchObject({ LogFormat: 'JSON' });
    }
    expect(template.Parameters?.EventBusName?.Default).toBe('default');
  });

  it('outputs the state machine, the table, the bus and the hook status endpoint', () => {
    expect(template.Outputs).toMatchObject({
      StateMachineArn: { Value: { Ref: 'DeploymentStateMachine' } },
      TableName: { Value: { Ref: 'DeploymentsTable' } },
      EventBusName: { Value: { Ref: 'EventBusName' } },
      HookStatusEndpoint: { Value: { 'Fn::GetAtt': ['HookStatusFunctionUrl', 'FunctionUrl'] } },
    });
    expect(props(template, 'HookStatusFunction').FunctionUrlConfig).toMatchObject({ AuthType: 'NONE' });
  });

  it('gives operators and CI ready policies: operators act only through the control function', () => {
    expect(template.Outputs).toMatchObject({
      ControlFunctionArn: { Value: { 'Fn::GetAtt': ['ControlFunction', 'Arn'] } },
      OperatorPolicyArn: { Value: { Ref: 'OperatorPolicy' } },
      DeployerPolicyArn: { Value: { Ref: 'DeployerPolicy' } },
    });
    const allowed = allowedActionsByOwner(template);
    const operator = allowed.get('OperatorPolicy') ?? [];
    const ci = allowed.get('DeployerPolicy') ?? [];
    const read = ['cloudformation:DescribeStacks', 'dynamodb:GetItem', 'dynamodb:Query', 'states:DescribeExecution', 'states:GetExecutionHistory', 'states:ListExecutions'];
    expect(operator).toEqual(expect.arrayContaining(['lambda:InvokeFunction', ...read]));
    expect(ci).toEqual(expect.arrayContaining(['states:StartExecution', ...read]));
    // Neither writes the record nor answers a task token: the control function does that.
    for (const actions of [operator, ci]) {
      expect(actions.filter((a) => /^dynamodb:(Put|Update|Delete|BatchWrite|TransactWrite)/.test(a) || /^states:(SendTask|StopExecution)/.test(a))).toEqual([]);
    }
    expect(ci).not.toContain('lambda:InvokeFunction');
    const invoke = (props(template, 'OperatorPolicy').PolicyDocument as { Statement: Dict[] }).Statement.find((st) => st.Action === 'lambda:InvokeFunction');
    expect(invoke?.Resource).toEqual({ 'Fn::GetAtt': ['ControlFunction', 'Arn'] });
  });

  it('lists what each role may do (the note reads this)', () => {
    const allowed = allowedActionsByOwner(template);
    expect(allowed.get('DeploymentStateMachine')).toContain('lambda:InvokeFunction');
    expect(allowed.get('ShiftFunction')).toEqual(expect.arrayContaining(['lambda:UpdateAlias', 'lambda:GetAlias']));
    expect(allowed.get('CheckHealthFunction')).not.toContain('lambda:UpdateAlias');
  });
});

describe("sam build's esbuild step, run without SAM", () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'glidepath-sam-build-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('is the command aws-lambda-builders composes from BuildProperties', () => {
    expect(samEsbuildArgs({ ...SAM_BUILD_PROPERTIES }, '/artifacts')).toEqual([
      'index.ts',
      '--bundle',
      '--platform=node',
      '--outdir=/artifacts',
      '--format=esm',
      '--target=node20',
      '--minify',
      '--sourcemap',
      '--main-fields=module,main',
      '--out-extension:.js=.mjs',
      `--banner:js=${SAM_BUILD_PROPERTIES.Banner[0].slice('js='.length)}`,
    ]);
  });

  it('bundles every function of the template from its CodeUri into a loadable index.mjs', () => {
    const functions = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Serverless::Function');
    const failures: string[] = [];
    for (const [id, r] of functions) {
      const codeUri = String(effectiveFunctionProperties(template, id).CodeUri);
      const artifacts = join(out, id);
      const run = runSamEsbuild(join(PROJECT_ROOT, codeUri), r.Metadata!.BuildProperties as Dict, artifacts);
      if (run.status !== 0) {
        failures.push(`${id}: esbuild exited ${run.status}: ${run.output}`);
        continue;
      }
      const bundle = join(artifacts, 'index.mjs');
      if (!existsSync(bundle)) {
        failures.push(`${id}: no index.mjs in the artifacts`);
        continue;
      }
      // What Lambda's runtime does with Handler index.handler: import index.mjs, read `handler`.
      const load = spawnSync(process.execPath, ['-e', `import(${JSON.stringify(pathToFileURL(bundle).href)}).then((m) => process.exit(typeof m.handler === 'function' ? 0 : 3))`], {
        env: { ...process.env, AWS_REGION: 'us-east-1', TABLE_NAME: 't', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        encoding: 'utf8',
      });
      if (load.status !== 0) failures.push(`${id}: importing index.mjs failed (${load.status}): ${load.stderr.trim().split('\n')[0]}`);
    }
    expect(failures).toEqual([]);
    expect(functions.length).toBeGreaterThanOrEqual(12);
  }, 120_000);
});

describe('the checks fail on a broken template', () => {
  const specCases: [string, (t: Template) => void, RegExp][] = [
    ['a misspelled property', (t) => { props(t, 'PrepareFunction').Polices = props(t, 'PrepareFunction').Policies; delete props(t, 'PrepareFunction').Policies; }, /PrepareFunction\.Properties\.Polices: unknown property/],
    ['a misspelled nested property', (t) => { props(t, 'DeploymentsTable').PointInTimeRecoverySpecification = { PointInTimeRecoveryEnable: true }; }, /PointInTimeRecoveryEnable: unknown property/],
    ['an unknown resource type', (t) => { resource(t, 'PrepareLogGroup').Type = 'AWS::Logs::LogGrup'; }, /AWS::Logs::LogGrup is not a known resource type/],
    ['a wrongly typed value', (t) => { props(t, 'PrepareLogGroup').RetentionInDays = ['30']; }, /RetentionInDays: expected a number/],
    ['a missing required property', (t) => { delete props(t, 'DeploymentsTable').KeySchema; }, /KeySchema: required/],
    ['a misspelled resource attribute', (t) => { resource(t, 'DeploymentsTable').DeletionPolcy = 'Retain'; }, /DeletionPolcy: not a resource attribute/],
    ['a property SAM does not take in Globals', (t) => { t.Globals!.Function!.Policies = []; }, /Globals\.Function\.Policies: SAM does not accept/],
    ['a misspelled SAM property added after the spec', (t) => { props(t, 'PrepareFunction').LoggingConfig = { LogGroupName: { Ref: 'PrepareLogGroup' } }; }, /PrepareFunction\.Properties\.LoggingConfig\.LogGroupName: unknown property/],
  ];
  it.each(specCases)('spec: %s', (_, change, message) => {
    expect(checkResourceSpec(broken(change), spec).join('\n')).toMatch(message);
  });

  const referenceCases: [string, (t: Template) => void, RegExp][] = [
    ['an unresolved Ref', (t) => { props(t, 'PrepareLogGroup').RetentionInDays = { Ref: 'LogRetentionDays' }; }, /Ref LogRetentionDays names no parameter/],
    ['a GetAtt of a missing resource', (t) => { (props(t, 'DeploymentStateMachine').DefinitionSubstitutions as Dict).PrepareFunctionArn = { 'Fn::GetAtt': ['PrepFunction', 'Arn'] }; }, /no resource PrepFunction/],
    ['a GetAtt of a missing attribute', (t) => { (props(t, 'DeploymentStateMachine').DefinitionSubstitutions as Dict).PrepareFunctionArn = { 'Fn::GetAtt': ['PrepareFunction', 'Arnn'] }; }, /has no attribute Arnn/],
    ['an unresolved Sub placeholder', (t) => { props(t, 'PrepareLogGroup').LogGroupName = { 'Fn::Sub': '/aws/lambda/${StackName}/prepare' }; }, /Ref StackName names no parameter/],
    ['a Sub of a missing attribute', (t) => { statement(t, 'ControlFunction', 'SignalsAndWaitTokens').Resource = { 'Fn::Sub': '${DeploymentsTable.Arm}/index/gsi1' }; }, /DeploymentsTable\.Arm: .* has no attribute Arm/],
    ['a DependsOn on nothing', (t) => { resource(t, 'PrepareFunction').DependsOn = 'Nothing'; }, /DependsOn: no resource Nothing/],
    ['an undefined condition', (t) => { delete (t.Conditions as Dict).ReserveHookStatusConcurrency; }, /condition ReserveHookStatusConcurrency is not defined/],
  ];
  it.each(referenceCases)('references: %s', (_, change, message) => {
    expect(checkReferences(broken(change), spec).join('\n')).toMatch(message);
  });

  it('cycles: a function role that names the state machine which names the function', () => {
    const t = broken((t) => { statement(t, 'ControlFunction', 'ReleaseWaitingStep').Resource = { Ref: 'DeploymentStateMachine' }; });
    expect(checkDependencyCycles(t).join('\n')).toMatch(/dependency cycle: .*ControlFunctionRole.*DeploymentStateMachine/);
  });

  const iamCases: [string, (t: Template) => void, RegExp][] = [
    ["Action '*'", (t) => { statement(t, 'ShiftFunction', 'ShiftAlias').Action = '*'; }, /\* is a wildcard/],
    ["Action 'lambda:*'", (t) => { statement(t, 'ShiftFunction', 'ShiftAlias').Action = ['lambda:GetAlias', 'lambda:*']; }, /lambda:\* is a wildcard/],
    ["Action 'lambda:Get*'", (t) => { statement(t, 'PrepareFunction', 'ReadDeployableFunctions').Action = 'lambda:Get*'; }, /lambda:Get\* is a wildcard/],
    ['a parameter in Action', (t) => { statement(t, 'ShiftFunction', 'ShiftAlias').Action = { Ref: 'DeployableFunctionArns' }; }, /Action: must be literal/],
    ['NotAction', (t) => { statement(t, 'ShiftFunction', 'ShiftAlias').NotAction = ['iam:PassRole']; }, /NotAction: grants everything else/],
    ['"*" for an action that can be scoped', (t) => { statement(t, 'ShiftFunction', 'ShiftAlias').Resource = '*'; }, /"\*" for lambda:GetAlias, lambda:UpdateAlias/],
    ['a managed policy by name', (t) => { (props(t, 'ShiftFunction').Policies as unknown[]).push('AWSLambda_FullAccess'); }, /a managed policy or policy template/],
    ['a SAM policy template', (t) => { (props(t, 'ShiftFunction').Policies as unknown[]).push({ LambdaInvokePolicy: { FunctionName: 'x' } }); }, /a SAM policy template/],
  ];
  it.each(iamCases)('iamActions: %s', (_, change, message) => {
    expect(checkIamActions(broken(change)).join('\n')).toMatch(message);
  });

  it('aslValid: a transition to a missing state', () => {
    const m = withDefinition((d) => { states(d).Prepare!.Next = 'Nowhere'; });
    expect(checkAslValid(m).join('\n')).toMatch(/MISSING_TRANSITION_TARGET.*Nowhere/);
  });

  it('aslValid: a misspelled field', () => {
    const m = withDefinition((d) => { states(d).Prepare!.TimeoutSecond = 5; });
    expect(checkAslValid(m).join('\n')).toMatch(/SCHEMA_VALIDATION_FAILED/);
  });

  it('substitutions: a placeholder without a substitution, and a substitution without a placeholder', () => {
    const missing = broken((t) => { delete (props(t, 'DeploymentStateMachine').DefinitionSubstitutions as Dict).ShiftFunctionArn; });
    expect(checkSubstitutions(missing, machine).join('\n')).toMatch(/\$\{ShiftFunctionArn\} has no entry/);
    const extra = broken((t) => { (props(t, 'DeploymentStateMachine').DefinitionSubstitutions as Dict).TriggerFunctionArn = 'x'; });
    expect(checkSubstitutions(extra, machine).join('\n')).toMatch(/TriggerFunctionArn: not used/);
  });

  const taskCases: [string, (d: Dict) => void, RegExp][] = [
    ['no Retry', (d) => { delete states(d).SetWeight!.Retry; }, /Task SetWeight has no Retry/],
    ['a Retry without throttling', (d) => { (states(d).SetWeight!.Retry as Dict[])[0]!.ErrorEquals = ['Lambda.ServiceException']; }, /SetWeight does not retry throttling/],
    ['a Retry without jitter', (d) => { delete (states(d).SetWeight!.Retry as Dict[])[0]!.JitterStrategy; }, /SetWeight: its throttling retry has no jitter/],
    ['a Retry without backoff', (d) => { (states(d).SetWeight!.Retry as Dict[])[0]!.BackoffRate = 1; }, /SetWeight: its throttling retry has no backoff/],
    ['no Catch', (d) => { delete states(d).Rollback!.Catch; }, /Task Rollback has no Catch/],
    ['no timeout', (d) => { delete states(d).CheckHealth!.TimeoutSeconds; }, /Task CheckHealth has no TimeoutSeconds/],
  ];
  it.each(taskCases)('tasks: %s', (_, change, message) => {
    expect(checkTasks(withDefinition(change)).join('\n')).toMatch(message);
  });

  it('tasks: a Task inside a Parallel branch is checked too', () => {
    const m = withDefinition((d) => {
      states(d).Extra = { Type: 'Parallel', End: true, Branches: [{ StartAt: 'Inner', States: { Inner: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:1:function:x', End: true } } }] };
    });
    expect(checkTasks(m).join('\n')).toMatch(/Task Extra\[0\]\/Inner has no TimeoutSeconds/);
  });

  it('invokeScope: the state machine may invoke a function that is not its own, or not one of its own', () => {
    const extra = broken((t) => { (statement(t, 'DeploymentStateMachine', 'InvokeControllerFunctions').Resource as unknown[]).push({ 'Fn::GetAtt': ['SmokeInvokeHookFunction', 'Arn'] }); });
    expect(checkInvokeScope(extra, machine).join('\n')).toMatch(/SmokeInvokeHookFunction.*not a function of the state machine/);
    const missing = broken((t) => { (statement(t, 'DeploymentStateMachine', 'InvokeControllerFunctions').Resource as unknown[]).pop(); });
    expect(checkInvokeScope(missing, machine).join('\n')).toMatch(/may not invoke .*RunHookFunction/);
  });

  it('handlerPaths: a CodeUri, an entry point or a Handler that sam build would not find', async () => {
    const codeUri = broken((t) => { props(t, 'RunHookFunction').CodeUri = 'functions/run-hooks/'; });
    expect((await checkHandlerPaths(codeUri, PROJECT_ROOT)).join('\n')).toMatch(/RunHookFunction\.Properties\.CodeUri: functions\/run-hooks\/ does not exist/);
    const outside = broken((t) => { props(t, 'RunHookFunction').CodeUri = 'src/run-hook/'; });
    expect((await checkHandlerPaths(outside, PROJECT_ROOT)).join('\n')).toMatch(/is not functions\/<name>\//);
    const entry = broken((t) => { (resource(t, 'RunHookFunction').Metadata as Dict).BuildProperties = { ...SAM_BUILD_PROPERTIES, EntryPoints: ['main.ts'] }; });
    expect((await checkHandlerPaths(entry, PROJECT_ROOT)).join('\n')).toMatch(/functions\/run-hook\/main\.ts does not exist/);
    const file = broken((t) => { props(t, 'RunHookFunction').Handler = 'main.handler'; });
    expect((await checkHandlerPaths(file, PROJECT_ROOT)).join('\n')).toMatch(/names main\.mjs but the bundle is index\.mjs/);
    const exported = broken((t) => { props(t, 'RunHookFunction').Handler = 'index.main'; });
    expect((await checkHandlerPaths(exported, PROJECT_ROOT)).join('\n')).toMatch(/functions\/run-hook\/index\.ts does not export main/);
  });

  it('buildProperties: esbuild options that differ from npm run build', () => {
    const t = broken((t) => { (resource(t, 'ShiftFunction').Metadata as Dict).BuildProperties = { ...SAM_BUILD_PROPERTIES, Format: 'cjs' }; });
    expect(checkBuildProperties(t).join('\n')).toMatch(/ShiftFunction\.Metadata\.BuildProperties: differ/);
    const method = broken((t) => { delete (resource(t, 'ShiftFunction').Metadata as Dict).BuildMethod; });
    expect(checkBuildProperties(method).join('\n')).toMatch(/ShiftFunction\.Metadata\.BuildMethod: must be esbuild/);
  });

  it('buildMatchesTemplate: a handler the template does not deploy, and a function the build does not bundle', () => {
    const handlers = listHandlers();
    const extra = [...handlers, { name: 'not-deployed', entry: '', codeUri: 'functions/not-deployed/' }];
    expect(checkBuildMatchesTemplate(template, extra).join('\n')).toMatch(/functions\/not-deployed\/ is built but no function/);
    expect(checkBuildMatchesTemplate(template, handlers.filter((h) => h.name !== 'run-hook')).join('\n')).toMatch(/deploys functions\/run-hook\/ but the build does not find it/);
  });

  it('logGroups: no retention, no log group, a shared log group, a state machine logging nowhere', () => {
    expect(checkLogGroups(broken((t) => { delete props(t, 'ShiftLogGroup').RetentionInDays; })).join('\n')).toMatch(/ShiftLogGroup\.Properties\.RetentionInDays: missing/);
    expect(checkLogGroups(broken((t) => { delete props(t, 'ShiftFunction').LoggingConfig; })).join('\n')).toMatch(/ShiftFunction\.Properties\.LoggingConfig\.LogGroup: must be !Ref/);
    expect(checkLogGroups(broken((t) => { props(t, 'ShiftFunction').LoggingConfig = { LogGroup: { Ref: 'PrepareLogGroup' } }; })).join('\n')).toMatch(/share the log group PrepareLogGroup/);
    expect(checkLogGroups(broken((t) => { delete props(t, 'DeploymentStateMachine').Logging; })).join('\n')).toMatch(/the state machine logs nowhere/);
  });

  it('grantsMatchCode: an action the code calls but the role lacks, and one the role allows but the code never calls', async () => {
    const lacking = broken((t) => { statement(t, 'RunHookFunction', 'HookExecutions').Action = ['dynamodb:GetItem', 'dynamodb:UpdateItem']; });
    expect((await checkGrantsMatchCode(lacking, PROJECT_ROOT)).join('\n')).toMatch(/RunHookFunction: its code calls dynamodb:PutItem but its role does not allow it/);
    const unused = broken((t) => { statement(t, 'HttpProbeHookFunction', 'ReportLikeCodeDeploy').Action = ['codedeploy:PutLifecycleEventHookExecutionStatus', 'lambda:InvokeFunction']; });
    expect((await checkGrantsMatchCode(unused, PROJECT_ROOT)).join('\n')).toMatch(/HttpProbeHookFunction: its role allows lambda:InvokeFunction, which its code never calls/);
    expect((await checkGrantsMatchCode(template, PROJECT_ROOT, { HttpProbeHookFunction: { 's3:GetObject': 'stale' } })).join('\n')).toMatch(/excuses s3:GetObject, which its code no longer contains/);
  });
});

describe('checks on a source tree of their own', () => {
  let root: string;
  const write = (file: string, text: string) => {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'glidepath-template-'));
    write('functions/good/index.ts', "import { helper } from '../../shared/helper.ts';\nexport const handler = async () => helper();\n");
    write('shared/helper.ts', 'export const helper = () => 42;\nexport const unused = () => 0;\n');
    write('functions/bad/index.ts', 'export const main = async () => 1;\n');
    write('functions/good/lib/index.ts', 'export const inner = 1;\n');
    write('functions/_lib/index.ts', 'export const shared = 1;\n');
    write(
      'functions/caller/index.ts',
      [
        "import { LambdaClient, GetAliasCommand, DeleteAliasCommand, UpdateAliasCommand as Update } from '@aws-sdk/client-lambda';",
        "import { DynamoDBDocumentClient, TransactWriteCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';",
        'const lambda = new LambdaClient({});',
        'export const handler = async (ddb: DynamoDBDocumentClient) => {',
        "  await lambda.send(new GetAliasCommand({ FunctionName: 'f', Name: 'live' }));",
        "  await ddb.send(new TransactWriteCommand({ TransactItems: [] }));",
        "  for await (const page of paginateQuery({ client: ddb }, { TableName: 't' })) void page;",
        '};',
        "export const neverCalled = () => new Update({ FunctionName: 'f', Name: 'live' });",
        "function dead() { return new DeleteAliasCommand({ FunctionName: 'f', Name: 'dead' }); }",
        '',
      ].join('\n'),
    );
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('listHandlers finds handler folders, not modules inside them', () => {
    expect(listHandlers(root).map((h) => [h.name, h.codeUri])).toEqual([
      ['bad', 'functions/bad/'],
      ['caller', 'functions/caller/'],
      ['good', 'functions/good/'],
    ]);
  });

  it('buildHandlers bundles a handler into build/<name>/index.mjs that exports it', async () => {
    const [result] = await buildHandlers({ root, outDir: 'out', only: ['good'] });
    expect(result!.outfile).toBe(join(root, 'out', 'good', 'index.mjs'));
    expect(result!.bytes).toBeGreaterThan(0);
    const bundle = (await import(result!.outfile)) as { handler: () => Promise<number> };
    expect(await bundle.handler()).toBe(42);
  });

  it('buildHandlers refuses a handler folder whose index.ts does not export handler', async () => {
    await expect(buildHandlers({ root, outDir: 'out', only: ['bad'] })).rejects.toThrow(/functions\/bad\/index\.ts must export `handler` \(exports: main\)/);
  });

  it('checkHandlerPaths reads the exports of the entry point', async () => {
    const t = broken((t) => { props(t, 'RunHookFunction').CodeUri = 'functions/bad/'; });
    const problems = await checkHandlerPaths(t, root);
    expect(problems.join('\n')).toMatch(/functions\/bad\/index\.ts does not export handler \(exports: main\)/);
  });

  it('handlerCalls reads the calls the code can make, not the ones tree shaking drops', async () => {
    const calls = await handlerCalls(join(root, 'functions/caller/index.ts'), root);
    // dead() is dropped; neverCalled is exported, so it stays (whoever imports the module may call it).
    expect(calls.actions).toEqual(['dynamodb:Query', 'dynamodb:TransactWriteItems', 'lambda:GetAlias', 'lambda:UpdateAlias']);
    expect(compareGrants('Caller', calls, ['dynamodb:PutItem', 'dynamodb:Query', 'lambda:GetAlias', 'lambda:UpdateAlias'])).toEqual([]);
    expect(compareGrants('Caller', calls, ['dynamodb:Query', 'lambda:GetAlias', 'lambda:UpdateAlias']).join('\n')).toMatch(/writes a DynamoDB transaction but its role allows none/);
  });

  it('callsInCode reads the item kinds of a transaction', () => {
    const code = [
      'import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";',
      'await ddb.send(new TransactWriteCommand({ TransactItems: [{ Put: { Item: a } }, { ConditionCheck: { Key: k } }] }));',
    ].join('\n');
    expect(callsInCode(code).actions).toEqual(['dynamodb:ConditionCheckItem', 'dynamodb:PutItem']);
  });
});
