/**
 * The folder of Glidepath's package.json: the repository in a clone, the installed package's
 * folder under node_modules when the CLI runs from its bundle (dist/, see infra/package-cli.ts).
 * The engine reads template.yaml and the ASL from there, as SAM deploys them.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function packageRoot(from: string = import.meta.dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const PROJECT_ROOT = packageRoot();
