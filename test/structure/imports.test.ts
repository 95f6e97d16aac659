/**
 * The layers' import rules (.dependency-cruiser.cjs, docs/architecture.md "Layers") hold over the
 * tree, and the check is real: a copy of the tree broken on purpose fails with exactly the breaks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyTree, cruise, difference, knownImports, ROOT, type ImportViolation } from './tree.ts';

describe('import rules (dependency-cruiser)', () => {
  let tree: ReturnType<typeof cruise>;
  beforeAll(() => {
    tree = cruise(ROOT);
  });

  it('reads the whole project (a parser that reads nothing would find nothing wrong)', () => {
    expect(tree.cruised).toBeGreaterThan(250);
  });

  it('the tree breaks no rule but the known ones, and each known one still occurs', () => {
    const { added, gone } = difference(tree.violations, knownImports);
    expect(added, 'violations (see .dependency-cruiser.cjs for each rule)').toEqual([]);
    expect(gone, 'fixed: remove these from test/structure/known-violations.json').toEqual([]);
  });

  describe('a copy of the tree broken on purpose', () => {
    let copy: ReturnType<typeof copyTree>;
    beforeAll(() => {
      copy = copyTree();
    });
    afterAll(() => copy.remove());

    it('fails with exactly the violations put in: an SDK import in the core, a test import in a handler, a cycle', () => {
      copy.edit('shared/core/planner.ts', (text) => `${text}\nexport type { LambdaClient as Sdk } from '@aws-sdk/client-lambda';\n`);
      copy.edit('functions/_lib/handler.ts', (text) => `${text}\nexport { rejected } from '../../test/support/rejected.ts';\n`);
      copy.edit('shared/core/execution-name.ts', (text) => `${text}\nexport { atExpression } from './promotion-schedule.ts';\n`);
      copy.edit('shared/core/promotion-schedule.ts', (text) => `${text}\nexport { executionName } from './execution-name.ts';\n`);

      const broken = cruise(copy.root);
      // A cycle is reported once, at its first module.
      const { added, gone } = difference(broken.violations, tree.violations);
      expect(gone).toEqual([]);
      const byRule = (a: ImportViolation, b: ImportViolation) => `${a.rule} ${a.from}`.localeCompare(`${b.rule} ${b.from}`);
      expect(added.sort(byRule)).toEqual(
        [
          { rule: 'core-is-pure', from: 'shared/core/planner.ts', to: '@aws-sdk/client-lambda' },
          { rule: 'no-circular', from: 'shared/core/execution-name.ts', to: 'shared/core/promotion-schedule.ts' },
          { rule: 'production-does-not-import-tests', from: 'functions/_lib/handler.ts', to: 'test/support/rejected.ts' },
          { rule: 'sdk-only-at-the-edge', from: 'shared/core/planner.ts', to: '@aws-sdk/client-lambda' },
        ].sort(byRule),
      );
    });
  });
});
