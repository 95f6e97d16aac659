/**
 * Lambda, S3, Step Functions and CodeDeploy as Debian's AWS CLI and boto3 see the local engine:
 * the operations a rehearsal script reaches for, their errors' codes by the botocore models.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalEngine, type LocalEngine } from '../../infra/local/engine.ts';
import { zipOf } from '../integration/endpoint-helpers.ts';
import { aws, boto3, botocoreModel, cliErrorCode, clientsPresent, modelErrors } from './clients.ts';

const present = clientsPresent();
const ROLE = 'arn:aws:iam::000000000000:role/conformance';

describe.skipIf(!present)('Lambda, S3, Step Functions and CodeDeploy as Debian’s AWS CLI and boto3 see them', { timeout: 120_000 }, () => {
  let engine: LocalEngine;
  let dir: string;
  const cli = (...args: string[]) => aws(engine.url, engine.region, args);
  beforeAll(async () => {
    // Real time: a function stays Pending / InProgress for the engine's one second, longer than a CLI call takes to start.
    engine = await startLocalEngine({ speed: 1, logLevel: 'SILENT' });
    dir = mkdtempSync(join(tmpdir(), 'glidepath-conformance-'));
    for (const v of ['v1', 'v2']) writeFileSync(join(dir, `${v}.zip`), zipOf({ 'index.mjs': `export const handler = async () => ({ v: '${v}' });` }));
    writeFileSync(join(dir, 'not.zip'), 'not a zip');
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('Lambda: create, wait, publish, alias and invoke through the CLI, as a walk-through does', async () => {
    const lambdaModel = botocoreModel('lambda');
    const created = await cli('lambda', 'create-function', '--function-name', 'cli-orders', '--runtime', 'nodejs22.x', '--handler', 'index.handler', '--role', ROLE, '--zip-file', `fileb://${join(dir, 'v1.zip')}`);
    expect(created.stderr).toBe('');
    for (const key of Object.keys(created.json)) expect(Object.keys(lambdaModel.shapes.FunctionConfiguration.members), key).toContain(key);
    expect(created.json).toMatchObject({ State: 'Pending', StateReasonCode: 'Creating' });
    expect((await cli('lambda', 'wait', 'function-active-v2', '--function-name', 'cli-orders')).code).toBe(0);
    expect((await cli('lambda', 'publish-version', '--function-name', 'cli-orders')).json.Version).toBe('1');
    expect((await cli('lambda', 'update-function-code', '--function-name', 'cli-orders', '--zip-file', `fileb://${join(dir, 'v2.zip')}`)).code).toBe(0);
    expect((await cli('lambda', 'wait', 'function-updated-v2', '--function-name', 'cli-orders')).code).toBe(0);
    expect((await cli('lambda', 'publish-version', '--function-name', 'cli-orders')).json.Version).toBe('2');
    expect((await cli('lambda', 'create-alias', '--function-name', 'cli-orders', '--name', 'live', '--function-version', '1')).json.FunctionVersion).toBe('1');
    const invoked = await cli('lambda', 'invoke', '--function-name', 'cli-orders:live', join(dir, 'out.json'));
    expect(invoked.json).toMatchObject({ StatusCode: 200, ExecutedVersion: '1' });

    const missing = await cli('lambda', 'get-function', '--function-name', 'no-such-function');
    expect(cliErrorCode(missing)).toBe('ResourceNotFoundException');
    expect(modelErrors(lambdaModel, 'GetFunction')).toContain('ResourceNotFoundException');
    // boto3, fast enough to publish within the engine's second: a conflict, then its waiters.
    const states = await boto3(engine.url, engine.region, `
lam = client('lambda')
created = lam.create_function(FunctionName='boto-orders', Runtime='nodejs22.x', Handler='index.handler', Role='${ROLE}', Code={'ZipFile': open('${join(dir, 'v1.zip')}', 'rb').read()})
early = error_of(lambda: lam.publish_version(FunctionName='boto-orders'))
lam.get_waiter('function_active_v2').wait(FunctionName='boto-orders', WaiterConfig={'Delay': 1})
active = lam.get_function(FunctionName='boto-orders')['Configuration']
updated = lam.update_function_configuration(FunctionName='boto-orders', Description='two')
busy = error_of(lambda: lam.update_function_configuration(FunctionName='boto-orders', Description='three'))
lam.get_waiter('function_updated_v2').wait(FunctionName='boto-orders', WaiterConfig={'Delay': 1})
done = lam.get_function_configuration(FunctionName='boto-orders')
emit({'created': created['State'], 'early': early, 'active': [active['State'], active['LastUpdateStatus']], 'updated': updated['LastUpdateStatus'], 'busy': busy, 'done': done['LastUpdateStatus'], 'version': lam.publish_version(FunctionName='boto-orders')['Version']})
`);
    expect(states).toMatchObject({ created: 'Pending', active: ['Active', 'Successful'], updated: 'InProgress', done: 'Successful', version: '1' });
    expect(states.early).toMatchObject({ Code: 'ResourceConflictException', Status: 409 });
    expect(states.busy).toMatchObject({ Code: 'ResourceConflictException', Status: 409 });
    expect(modelErrors(lambdaModel, 'PublishVersion')).toContain('ResourceConflictException');
    expect(modelErrors(lambdaModel, 'UpdateFunctionConfiguration')).toContain('ResourceConflictException');

    // The CLI itself refuses a --zip-file that is no zip; boto3 sends it.
    const bad = await boto3(engine.url, engine.region, `
lam = client('lambda')
emit(error_of(lambda: lam.create_function(FunctionName='boto-bad', Runtime='nodejs22.x', Handler='index.handler', Role='${ROLE}', Code={'ZipFile': b'not a zip'})))
`);
    expect(bad).toMatchObject({ Code: 'InvalidParameterValueException', Status: 400, Class: 'InvalidParameterValueException' });
    expect(modelErrors(lambdaModel, 'CreateFunction')).toContain('InvalidParameterValueException');
  });

  it('Lambda: permissions and provisioned concurrency; EventBridge ListRules, by the models', async () => {
    const lambdaModel = botocoreModel('lambda');
    const added = await cli('lambda', 'add-permission', '--function-name', 'cli-orders', '--statement-id', 'events', '--action', 'lambda:InvokeFunction',
      '--principal', 'events.amazonaws.com', '--source-arn', 'arn:aws:events:us-east-1:000000000000:rule/r');
    expect(added.stderr).toBe('');
    expect(JSON.parse(added.json.Statement)).toMatchObject({ Sid: 'events', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:events:us-east-1:000000000000:rule/r' } } });
    const again = await cli('lambda', 'add-permission', '--function-name', 'cli-orders', '--statement-id', 'events', '--action', 'lambda:InvokeFunction', '--principal', 'events.amazonaws.com');
    expect(cliErrorCode(again)).toBe('ResourceConflictException');
    const policy = await cli('lambda', 'get-policy', '--function-name', 'cli-orders');
    expect(JSON.parse(policy.json.Policy).Statement.map((s: any) => s.Sid)).toEqual(['events']);
    expect(Object.keys(policy.json).sort()).toEqual(Object.keys(lambdaModel.shapes.GetPolicyResponse.members).sort());
    expect((await cli('lambda', 'remove-permission', '--function-name', 'cli-orders', '--statement-id', 'events')).code).toBe(0);
    expect(cliErrorCode(await cli('lambda', 'get-policy', '--function-name', 'cli-orders'))).toBe('ResourceNotFoundException');
    expect(modelErrors(lambdaModel, 'RemovePermission')).toContain('ResourceNotFoundException');

    const put = await cli('lambda', 'put-provisioned-concurrency-config', '--function-name', 'cli-orders', '--qualifier', 'live', '--provisioned-concurrent-executions', '5');
    expect(put.json).toMatchObject({ RequestedProvisionedConcurrentExecutions: 5, Status: 'IN_PROGRESS' });
    const latest = await cli('lambda', 'put-provisioned-concurrency-config', '--function-name', 'cli-orders', '--qualifier', '$LATEST', '--provisioned-concurrent-executions', '5');
    expect(cliErrorCode(latest)).toBe('InvalidParameterValueException');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const got = await cli('lambda', 'get-provisioned-concurrency-config', '--function-name', 'cli-orders', '--qualifier', 'live');
    expect(got.json).toMatchObject({ RequestedProvisionedConcurrentExecutions: 5, AllocatedProvisionedConcurrentExecutions: 5, Status: 'READY' });
    expect((await cli('lambda', 'delete-provisioned-concurrency-config', '--function-name', 'cli-orders', '--qualifier', 'live')).code).toBe(0);
    const gone = await cli('lambda', 'get-provisioned-concurrency-config', '--function-name', 'cli-orders', '--qualifier', 'live');
    expect(cliErrorCode(gone)).toBe('ProvisionedConcurrencyConfigNotFoundException');
    expect(modelErrors(lambdaModel, 'GetProvisionedConcurrencyConfig')).toContain('ProvisionedConcurrencyConfigNotFoundException');

    const rules = await cli('events', 'list-rules', '--name-prefix', 'glidepath-local-');
    expect(rules.json.Rules.length).toBeGreaterThan(0);
    for (const rule of rules.json.Rules) {
      expect(Object.keys(botocoreModel('events').shapes.Rule.members)).toEqual(expect.arrayContaining(Object.keys(rule)));
      expect(rule).toMatchObject({ State: expect.stringMatching(/^(ENABLED|DISABLED)$/), EventBusName: 'default' });
      expect(JSON.parse(rule.EventPattern)).toBeTypeOf('object');
    }
  });

  it('S3: buckets and objects listed through the CLI and boto3; errors in S3’s XML', async () => {
    const s3url = `${engine.url}/s3`;
    const s3 = (...args: string[]) => aws(s3url, engine.region, ['s3api', ...args]);
    expect((await s3('create-bucket', '--bucket', 'conformance-artifacts')).code).toBe(0);
    for (const key of ['builds/1.zip', 'builds/2.zip', 'readme.txt']) {
      expect((await s3('put-object', '--bucket', 'conformance-artifacts', '--key', key, '--body', join(dir, 'v1.zip'))).code).toBe(0);
    }
    const buckets = await s3('list-buckets');
    expect(buckets.json.Buckets.map((b: any) => b.Name)).toContain('conformance-artifacts');
    const v2 = await s3('list-objects-v2', '--bucket', 'conformance-artifacts', '--delimiter', '/');
    expect(v2.json.Contents.map((o: any) => o.Key)).toEqual(['readme.txt']);
    expect(v2.json.CommonPrefixes).toEqual([{ Prefix: 'builds/' }]);
    const v1 = await s3('list-objects', '--bucket', 'conformance-artifacts', '--prefix', 'builds/');
    expect(v1.json.Contents.map((o: any) => o.Key)).toEqual(['builds/1.zip', 'builds/2.zip']);
    const noBucket = await s3('list-objects-v2', '--bucket', 'no-such-bucket');
    expect(cliErrorCode(noBucket)).toBe('NoSuchBucket');

    const out = await boto3(s3url, engine.region, `
s3 = client('s3', s3={'addressing_style': 'path'})
s3.put_bucket_versioning(Bucket='conformance-artifacts', VersioningConfiguration={'Status': 'Enabled'})
s3.put_object(Bucket='conformance-artifacts', Key='readme.txt', Body=b'two')
keys = [o['Key'] for p in s3.get_paginator('list_objects_v2').paginate(Bucket='conformance-artifacts', PaginationConfig={'PageSize': 1}) for o in p.get('Contents', [])]
versions = s3.list_object_versions(Bucket='conformance-artifacts', Prefix='readme')['Versions']
missing = error_of(lambda: s3.get_object(Bucket='conformance-artifacts', Key='nope'))
emit({'keys': keys, 'versions': [(v['Key'], v['IsLatest']) for v in versions], 'missing': missing})
`);
    expect(out.keys).toEqual(['builds/1.zip', 'builds/2.zip', 'readme.txt']);
    expect(out.versions).toEqual([['readme.txt', true], ['readme.txt', false]]);
    expect(out.missing).toMatchObject({ Code: 'NoSuchKey', Status: 404, Class: 'NoSuchKey' });
    expect(modelErrors(botocoreModel('s3'), 'GetObject')).toContain('NoSuchKey');
  });

  it('Step Functions: the state machine and its errors through the CLI', async () => {
    const sfnModel = botocoreModel('stepfunctions');
    const described = await cli('stepfunctions', 'describe-state-machine', '--state-machine-arn', engine.stateMachineArn);
    expect(described.code).toBe(0);
    for (const key of Object.keys(described.json)) expect(Object.keys(sfnModel.shapes.DescribeStateMachineOutput.members), key).toContain(key);
    expect(described.json).toMatchObject({ name: 'glidepath-deployment', status: 'ACTIVE', type: 'STANDARD' });
    expect(described.json.loggingConfiguration).toEqual({ level: 'OFF', includeExecutionData: false });
    expect(described.json.tracingConfiguration).toEqual({ enabled: false });

    // A deployment's history through boto3: every event type and member known to the model.
    const request = { functionName: 'cli-orders', alias: 'live', currentVersion: '1', targetVersion: '2', strategy: 'AllAtOnce' };
    const history = await boto3(engine.url, engine.region, `
import time
sfn = client('stepfunctions')
arn = sfn.start_execution(stateMachineArn='${engine.stateMachineArn}', name='conformance-history', input=json.dumps(${JSON.stringify(request)}))['executionArn']
while sfn.describe_execution(executionArn=arn)['status'] == 'RUNNING':
    time.sleep(0.2)
events = [e for p in sfn.get_paginator('get_execution_history').paginate(executionArn=arn) for e in p['events']]
emit({'status': sfn.describe_execution(executionArn=arn)['status'], 'events': events})
`);
    expect(history.status).toBe('SUCCEEDED');
    const eventTypes: string[] = sfnModel.shapes.HistoryEventType.enum;
    const eventMembers = sfnModel.shapes.HistoryEvent.members;
    for (const event of history.events) {
      expect(eventTypes, event.type).toContain(event.type);
      for (const [key, value] of Object.entries<any>(event)) {
        expect(Object.keys(eventMembers), `${event.type}.${key}`).toContain(key);
        if (key.endsWith('EventDetails')) {
          for (const member of Object.keys(value)) expect(Object.keys(sfnModel.shapes[eventMembers[key].shape].members), `${key}.${member}`).toContain(member);
        }
      }
    }
    const types = history.events.map((e: any) => e.type);
    expect(types[0]).toBe('ExecutionStarted');
    expect(history.events[0].executionStartedEventDetails.roleArn).toMatch(/^arn:aws:iam::/);
    expect(types).toEqual(expect.arrayContaining(['LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'ChoiceStateEntered', 'TaskStateExited']));
    expect(types.at(-1)).toBe('ExecutionSucceeded');

    const missing = await cli('stepfunctions', 'describe-execution', '--execution-arn', `${engine.stateMachineArn.replace(':stateMachine:', ':execution:')}:nope`);
    expect(cliErrorCode(missing)).toBe('ExecutionDoesNotExist');
    expect(modelErrors(sfnModel, 'DescribeExecution')).toContain('ExecutionDoesNotExist');
  });

  it('CodeDeploy: an unknown deployment’s status is the model’s error', async () => {
    const missing = await cli('deploy', 'get-deployment', '--deployment-id', 'd-NOSUCH123');
    expect(cliErrorCode(missing)).toBe('DeploymentDoesNotExistException');
    expect(modelErrors(botocoreModel('codedeploy'), 'GetDeployment')).toContain('DeploymentDoesNotExistException');
  });
});
