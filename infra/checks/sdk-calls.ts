/**
 * Which AWS actions a handler's code can call, read from the code itself: each handler is bundled
 * with every package external (so only this project's code is in the output) and with tree shaking
 * (so only code the handler can reach is left); every `new <Operation>Command(` and
 * `paginate<Operation>(` left in it is a call, mapped to its IAM action. The template check then
 * compares that with what the function's role allows, both ways.
 */
import { build } from 'esbuild';

/** SDK v3 package → IAM service prefix. */
const SERVICE_PREFIX: Record<string, string> = {
  '@aws-sdk/client-lambda': 'lambda',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/lib-dynamodb': 'dynamodb',
  '@aws-sdk/client-sfn': 'states',
  '@aws-sdk/client-eventbridge': 'events',
  '@aws-sdk/client-codedeploy': 'codedeploy',
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/client-scheduler': 'scheduler',
  '@aws-sdk/client-ecr': 'ecr',
  '@aws-sdk/client-sns': 'sns',
};

/** Operations whose IAM action is not `<prefix>:<Operation>`. */
const ACTION_OF: Record<string, string> = {
  'lambda:Invoke': 'lambda:InvokeFunction',
  'lambda:InvokeWithResponseStream': 'lambda:InvokeFunction',
  // lib-dynamodb's document commands
  'dynamodb:Get': 'dynamodb:GetItem',
  'dynamodb:Put': 'dynamodb:PutItem',
  'dynamodb:Update': 'dynamodb:UpdateItem',
  'dynamodb:Delete': 'dynamodb:DeleteItem',
  'dynamodb:BatchGet': 'dynamodb:BatchGetItem',
  'dynamodb:BatchWrite': 'dynamodb:BatchWriteItem',
  'dynamodb:TransactGet': 'dynamodb:GetItem',
  'dynamodb:TransactGetItems': 'dynamodb:GetItem',
  's3:HeadObject': 's3:GetObject',
  's3:ListObjectsV2': 's3:ListBucket',
};

/**
 * A transactional write has no IAM action of its own: DynamoDB authorizes each item with the
 * action of its kind. The kinds are read from the item literals (`Put: {…}`); when the items are
 * built in a way that hides them, `TRANSACT_WRITE` stands for "one of the per-item actions".
 */
export const TRANSACT_WRITE = 'dynamodb:TransactWriteItems';
export const TRANSACT_ITEM_ACTIONS = ['dynamodb:ConditionCheckItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];

/** Aggregated clients (`new Lambda().getAlias()`) hide their calls from this check. */
const AGGREGATED = /\bnew\s+(Lambda|CloudWatch|DynamoDB|SFN|EventBridge|CodeDeploy|S3|Scheduler|ECR|SNS)\s*\(|\bDynamoDBDocument\.from\s*\(/;

export interface CodeCalls {
  /** IAM actions, sorted; `dynamodb:TransactWriteItems` stands for per-item actions it could not read. */
  actions: string[];
  problems: string[];
}

/** Named imports of SDK packages in esbuild output: local name → [package, imported name]. */
function sdkImports(code: string): Map<string, [string, string]> {
  const names = new Map<string, [string, string]>();
  for (const m of code.matchAll(/import\s*\{([^}]*)\}\s*from\s*["'](@aws-sdk\/[^"']+)["']/g)) {
    for (const part of m[1]!.split(',')) {
      const [imported, local] = part.trim().split(/\s+as\s+/);
      if (imported) names.set((local ?? imported).trim(), [m[2]!, imported.trim()]);
    }
  }
  return names;
}

export function callsInCode(code: string): CodeCalls {
  const imports = sdkImports(code);
  const actions = new Set<string>();
  const problems: string[] = [];
  const add = (local: string, operation: (imported: string) => string | undefined) => {
    const source = imports.get(local);
    if (!source) return;
    const prefix = SERVICE_PREFIX[source[0]];
    const op = operation(source[1]);
    if (!op) return;
    if (!prefix) return problems.push(`calls ${source[1]} of ${source[0]}, a package this check does not map to IAM`);
    const action = `${prefix}:${op}`;
    actions.add(ACTION_OF[action] ?? action);
  };
  for (const m of code.matchAll(/\bnew\s+([A-Za-z_$][\w$]*)\s*\(/g)) add(m[1]!, (name) => /^(\w+)Command$/.exec(name)?.[1]);
  for (const m of code.matchAll(/\b([A-Za-z_$][\w$]*)\s*\(/g)) add(m[1]!, (name) => /^paginate(\w+)$/.exec(name)?.[1]);
  if (actions.delete('dynamodb:TransactWrite') || actions.delete('dynamodb:TransactWriteItems')) {
    // The kinds of item written in transactions: `{ Put: {…} }`, `{ Update: {…} }`, … literals.
    const kinds = new Set([...code.matchAll(/\b(Put|Update|Delete|ConditionCheck)\s*:\s*\{/g)].map((m) => m[1]!));
    if (kinds.size === 0) actions.add(TRANSACT_WRITE);
    for (const kind of kinds) actions.add(`dynamodb:${kind === 'ConditionCheck' ? 'ConditionCheckItem' : `${kind}Item`}`);
  }
  if (AGGREGATED.test(code)) problems.push('uses an aggregated SDK client; send Commands so its calls can be checked');
  return { actions: [...actions].sort(), problems };
}

/** The AWS calls the handler at `entry` can make. */
export async function handlerCalls(entry: string, root: string): Promise<CodeCalls> {
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    packages: 'external',
    treeShaking: true,
    minify: false,
    format: 'esm',
    platform: 'node',
    write: false,
    outdir: 'out',
    logLevel: 'silent',
  });
  return callsInCode(result.outputFiles.map((file) => file.text).join('\n'));
}

/** Both directions: what the code calls and the role lacks, what the role allows and the code never calls. */
export function compareGrants(owner: string, calls: CodeCalls, granted: string[]): string[] {
  const problems = calls.problems.map((p) => `${owner}: ${p}`);
  const allowed = new Set(granted);
  const justified = new Set(calls.actions);
  for (const action of calls.actions) {
    if (action === TRANSACT_WRITE) {
      TRANSACT_ITEM_ACTIONS.forEach((a) => justified.add(a));
      if (!TRANSACT_ITEM_ACTIONS.some((a) => allowed.has(a))) problems.push(`${owner}: its code writes a DynamoDB transaction but its role allows none of ${TRANSACT_ITEM_ACTIONS.join(', ')}`);
    } else if (!allowed.has(action)) {
      problems.push(`${owner}: its code calls ${action} but its role does not allow it`);
    }
  }
  for (const action of granted) if (!justified.has(action)) problems.push(`${owner}: its role allows ${action}, which its code never calls`);
  return problems;
}
