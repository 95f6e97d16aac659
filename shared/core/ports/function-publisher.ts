/** New code on a function and a version published from exactly that code (the trigger's way in). */
export type CodeLocation = { S3Bucket: string; S3Key: string; S3ObjectVersion?: string } | { ImageUri: string };

export interface UpdatedCode {
  codeSha256: string;
  revisionId?: string;
  lastUpdateStatus?: string;
}

export interface FunctionPublisher {
  updateCode(functionName: string, code: CodeLocation): Promise<UpdatedCode>;
  /** Resolves when Lambda says the update is done; a GlidepathError when it failed or took longer than `timeoutSeconds`. */
  waitForUpdate(functionName: string, options: { timeoutSeconds: number }): Promise<{ codeSha256?: string }>;
  /** Publishes a version only if the function's code is still `codeSha256`; returns the version number. */
  publishVersion(functionName: string, codeSha256: string, description: string): Promise<string>;
}
