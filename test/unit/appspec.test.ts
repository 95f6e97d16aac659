import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readAppSpec } from '../../shared/core/readers/appspec.ts';
import { rejected as rejectedBy } from '../support/rejected.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/appspec/${name}`, import.meta.url), 'utf8');

const rejected = (source: string) => rejectedBy(() => readAppSpec(source));

const RESOURCE = `version: 0.0
Resources:
  - fn:
      Type: AWS::Lambda::Function
      Properties: { Name: orders-api, Alias: live, CurrentVersion: "7", TargetVersion: "8" }
`;

describe('readAppSpec: accepted', () => {
  it("reads AWS's documented form (lists of one-key maps, a name and an ARN as hooks)", () => {
    expect(readAppSpec(fixture('valid.yaml'))).toEqual({
      functionName: 'orders-api',
      alias: 'live',
      currentVersion: '7',
      targetVersion: '8',
      hooks: {
        beforeAllowTraffic: 'orders-pre-traffic-check',
        afterAllowTraffic: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-post-traffic-check',
      },
    });
  });

  it('reads lower-case keys, version "0.0" as a string, Hooks as a plain map and unquoted versions', () => {
    expect(readAppSpec(fixture('valid-lowercase.yml'))).toEqual({
      functionName: 'arn:aws:lambda:us-east-1:123456789012:function:payments',
      alias: 'prod',
      currentVersion: '41',
      targetVersion: '42',
      hooks: { beforeAllowTraffic: 'payments-smoke-test' },
    });
  });

  it('reads JSON, with no Hooks (the result has no hooks key)', () => {
    const request = readAppSpec(fixture('valid.json'));
    expect(request).toEqual({ functionName: 'reports', alias: 'stable', currentVersion: '3', targetVersion: '12' });
    expect('hooks' in request).toBe(false);
  });

  it('reads Resources as a plain map too', () => {
    const source = `version: "0.0"\nResources:\n  fn:\n    Type: AWS::Lambda::Function\n    Properties: { Name: a, Alias: b, CurrentVersion: "1", TargetVersion: "2" }\n`;
    expect(readAppSpec(source)).toEqual({ functionName: 'a', alias: 'b', currentVersion: '1', targetVersion: '2' });
  });
});

describe('readAppSpec: rejected', () => {
  const cases: [string, string, string, string][] = [
    ['invalid-latest.yaml', 'Resources[0].ordersApi.Properties.TargetVersion', 'must be a published version, never $LATEST', '"$LATEST"'],
    ['invalid-same-version.yaml', 'Resources[0].ordersApi.Properties.TargetVersion', 'must differ from CurrentVersion', '"8"'],
    ['invalid-two-resources.yaml', 'Resources[1].paymentsApi', 'is one resource too many: a Lambda AppSpec holds exactly one, of Type AWS::Lambda::Function', ''],
    ['invalid-hook-event.yaml', 'Hooks[0].BeforeInstall', 'is not a Lambda lifecycle hook (only BeforeAllowTraffic and AfterAllowTraffic)', ''],
    ['invalid-version.yaml', 'version', 'must be 0.0', '1'],
    ['invalid-type.yaml', 'Resources[0].ordersService.Type', 'must be AWS::Lambda::Function', '"AWS::ECS::Service"'],
    ['invalid-missing-target.yaml', 'Resources[0].ordersApi.Properties.TargetVersion', 'is required', ''],
  ];
  for (const [file, field, rule, got] of cases) {
    it(`rejects ${file}`, () => {
      const error = rejected(fixture(file));
      expect(error.code).toBe('INVALID_REVISION');
      expect(error.field).toBe(field);
      expect(error.message).toBe(`${field}: ${rule}${got === '' ? '' : `, got ${got}`}`);
    });
  }

  it('rejects a file that is neither YAML nor JSON', () => {
    const error = rejected(fixture('invalid-syntax.yaml'));
    expect(error.field).toBe('appspec');
    expect(error.message).toMatch(/^appspec: must be YAML or JSON \(.*line 5/);
  });

  it('rejects a missing version, no resources and a scalar document', () => {
    expect(rejected(RESOURCE.replace('version: 0.0\n', '')).message).toBe('version: is required (0.0)');
    expect(rejected('version: 0.0\nResources: []\n').message).toBe('Resources: must hold exactly one resource of Type AWS::Lambda::Function');
    expect(rejected('just text').field).toBe('appspec');
  });

  it('rejects a key given twice in different cases', () => {
    expect(rejected(`${RESOURCE}hooks: {}\nHooks: {}\n`).message).toBe('Hooks: appears twice (also as hooks); keys ignore case');
  });

  it('rejects unknown properties, a version 0 and a bad hook name', () => {
    expect(rejected(RESOURCE.replace('Name: orders-api', 'Name: orders-api, Runtime: nodejs20.x')).field).toBe('Resources[0].fn.Properties.Runtime');
    expect(rejected(RESOURCE.replace('CurrentVersion: "7"', 'CurrentVersion: "0"')).message).toBe(
      'Resources[0].fn.Properties.CurrentVersion: must be a published version number (a positive integer), got "0"',
    );
    expect(rejected(`${RESOURCE}Hooks:\n  - AfterAllowTraffic: "not a function"\n`).message).toBe(
      'Hooks[0].AfterAllowTraffic: must be a Lambda function name or ARN, got "not a function"',
    );
    expect(rejected(`${RESOURCE}Hooks:\n  - AfterAllowTraffic: a\n  - afterallowtraffic: b\n`).message).toBe('Hooks[1].afterallowtraffic: is given twice');
  });
});
