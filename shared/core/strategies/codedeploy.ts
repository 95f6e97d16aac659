/**
 * CodeDeploy's nine predefined Lambda deployment configurations, by short name
 * (`Canary10Percent5Minutes`) and by full name (`CodeDeployDefault.LambdaCanary10Percent5Minutes`).
 */

export type TimeBasedKind = 'canary' | 'linear';

export type ConfigShape = { kind: TimeBasedKind; percentage: number; intervalMinutes: number } | { kind: 'allAtOnce' };

export const CODEDEPLOY_PREFIX = 'CodeDeployDefault.Lambda';

export const CODEDEPLOY_CONFIGS: Readonly<Record<string, ConfigShape>> = {
  Canary10Percent5Minutes: { kind: 'canary', percentage: 10, intervalMinutes: 5 },
  Canary10Percent10Minutes: { kind: 'canary', percentage: 10, intervalMinutes: 10 },
  Canary10Percent15Minutes: { kind: 'canary', percentage: 10, intervalMinutes: 15 },
  Canary10Percent30Minutes: { kind: 'canary', percentage: 10, intervalMinutes: 30 },
  Linear10PercentEvery1Minute: { kind: 'linear', percentage: 10, intervalMinutes: 1 },
  Linear10PercentEvery2Minutes: { kind: 'linear', percentage: 10, intervalMinutes: 2 },
  Linear10PercentEvery3Minutes: { kind: 'linear', percentage: 10, intervalMinutes: 3 },
  Linear10PercentEvery10Minutes: { kind: 'linear', percentage: 10, intervalMinutes: 10 },
  AllAtOnce: { kind: 'allAtOnce' },
};

export const CODEDEPLOY_CONFIG_NAMES = Object.keys(CODEDEPLOY_CONFIGS);

const byLowerName = new Map(CODEDEPLOY_CONFIG_NAMES.map((name) => [name.toLowerCase(), name]));

/**
 * The canonical short name for a CodeDeploy configuration name in either form, any letter case;
 * undefined when the name is not one of the nine.
 */
export function codeDeployShortName(name: string): string | undefined {
  const trimmed = name.trim();
  const short = trimmed.toLowerCase().startsWith(CODEDEPLOY_PREFIX.toLowerCase())
    ? trimmed.slice(CODEDEPLOY_PREFIX.length)
    : trimmed;
  return byLowerName.get(short.toLowerCase());
}
