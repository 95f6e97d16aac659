/** A function's (or one version's) configuration, for the preflight. Not found is `undefined`, not an error. */
export interface FunctionConfig {
  functionName: string;
  functionArn?: string;
  /** `$LATEST` or a published version number. */
  version: string;
  role?: string;
  deadLetterTargetArn?: string;
  state?: string;
}

export interface FunctionReader {
  configuration(functionName: string, qualifier?: string): Promise<FunctionConfig | undefined>;
  /** The value of one tag of the function (by its ARN); undefined when absent or the function is not found. */
  tag(functionArn: string, key: string): Promise<string | undefined>;
}
