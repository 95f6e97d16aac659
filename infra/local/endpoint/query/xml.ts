/**
 * The query protocol's response side: the operation's output object as XML, in the form
 * botocore's and the AWS CLI's query parsers read —
 *
 *   <DescribeAlarmsResponse xmlns="…"><DescribeAlarmsResult>…</DescribeAlarmsResult>
 *     <ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></DescribeAlarmsResponse>
 *
 * Lists are `<member>` elements, maps `<entry>` elements; timestamps (epoch seconds in the JSON output) become ISO 8601.
 */
import type { ServiceError } from '../errors.ts';

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export interface XmlOptions {
  /** Member names holding timestamps (alone or as list members). */
  timestamps: ReadonlySet<string>;
  /** Member names holding maps: `<entry><key>…</key><value>…</value></entry>` each. */
  maps?: ReadonlySet<string>;
}

function scalar(name: string, value: unknown, options: XmlOptions): string {
  if (options.timestamps.has(name) && typeof value === 'number') return new Date(value * 1000).toISOString();
  if (value instanceof Date) return value.toISOString();
  return escapeXml(String(value));
}

function element(name: string, value: unknown, options: XmlOptions): string {
  if (value === undefined || value === null) return '';
  return `<${name}>${content(name, value, options)}</${name}>`;
}

function content(name: string, value: unknown, options: XmlOptions): string {
  if (Array.isArray(value)) return value.map((item) => `<member>${content(name, item, options)}</member>`).join('');
  if (options.maps?.has(name) && typeof value === 'object' && value !== null) {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `<entry><key>${escapeXml(k)}</key><value>${content(k, v, options)}</value></entry>`)
      .join('');
  }
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => element(k, v, options))
      .join('');
  }
  return scalar(name, value, options);
}

export function queryResponseXml(action: string, xmlns: string, output: Record<string, unknown>, requestId: string, options: XmlOptions): string {
  const result = Object.keys(output).length === 0 ? '' : `<${action}Result>${content(`${action}Result`, output, options)}</${action}Result>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${xmlns}">${result}` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
  );
}

export function queryErrorXml(xmlns: string, error: ServiceError, requestId: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${xmlns}"><Error><Type>${error.fault}</Type>` +
    `<Code>${escapeXml(error.queryCode ?? error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}
