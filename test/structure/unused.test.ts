/**
 * No unused files, exports, types or dependencies (knip.jsonc), and the check is real: a copy of the
 * tree with an orphan file, an export nobody imports and a dependency nobody uses fails with exactly those.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyTree, difference, knip, knownUnused, ROOT } from './tree.ts';

describe('unused code and dependencies (knip)', () => {
  it('the tree has none but the known ones, and each known one still occurs', () => {
    const { added, gone } = difference(knip(ROOT), knownUnused);
    expect(added, 'unused (knip.jsonc lists the entry points)').toEqual([]);
    expect(gone, 'fixed: remove these from test/structure/known-violations.json').toEqual([]);
  });

  describe('a copy of the tree broken on purpose', () => {
    let copy: ReturnType<typeof copyTree>;
    beforeAll(() => {
      copy = copyTree();
    });
    afterAll(() => copy.remove());

    it('fails with exactly what was put in: an orphan file, an unused export, an unused dependency', () => {
      copy.edit('shared/core/orphan.ts', () => 'export const orphan = 1;\n');
      copy.edit('shared/core/planner.ts', (text) => `${text}\nexport const unusedThing = 1;\n`);
      copy.edit('package.json', (text) => {
        const pkg = JSON.parse(text) as { dependencies: Record<string, string> };
        pkg.dependencies['left-pad'] = '1.3.0';
        return `${JSON.stringify(pkg, null, 2)}\n`;
      });

      const { added, gone } = difference(knip(copy.root), knownUnused);
      expect(gone).toEqual([]);
      expect(added).toEqual(
        expect.arrayContaining([
          { kind: 'files', file: 'shared/core/orphan.ts', name: 'shared/core/orphan.ts' },
          { kind: 'exports', file: 'shared/core/planner.ts', name: 'unusedThing' },
          { kind: 'dependencies', file: 'package.json', name: 'left-pad' },
        ]),
      );
      expect(added).toHaveLength(3);
    });
  });
});
