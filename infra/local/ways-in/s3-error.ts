/** An S3 error in the service's own words (its code is the SDK's exception name), answered as XML. */
export class S3Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
  }
}
