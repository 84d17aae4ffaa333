/**
 * What travels between `drover sim serve` and its clients (server.ts, remote.ts): JSON, with
 * Dates and byte arrays tagged so they come back as what the SDK returns, and errors carried as
 * their name, message and fields, rebuilt in the client as the same SDK exception class, so
 * drover's error classification (aws/errors.ts) sees what it sees in one process.
 */

/** The version prefix of every route; a client and server of different formats refuse each other. */
export const WIRE_PREFIX = '/v1';

/** A deep copy that JSON can carry: Date -> {$date: ms}, bytes -> {$bytes: base64}. */
export function toWire(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date || Object.prototype.toString.call(value) === '[object Date]') return { $date: (value as Date).getTime() };
  if (ArrayBuffer.isView(value)) return { $bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (Array.isArray(value)) return value.map(toWire);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== undefined) out[k] = toWire(v);
  return out;
}

/** The inverse of toWire. */
export function fromWire(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(fromWire);
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && typeof o.$date === 'number') return new Date(o.$date);
  if (keys.length === 1 && typeof o.$bytes === 'string') return new Uint8Array(Buffer.from(o.$bytes, 'base64'));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = fromWire(v);
  return out;
}

/** An error as it crosses the wire. `kind` says how to rebuild it. */
export interface WireError {
  kind: 'aws' | 'notImplemented' | 'other';
  name: string;
  message: string;
  /** Own fields of the exception ($fault, $metadata, Code, ErrorCode…), wire-encoded. */
  fields: Record<string, unknown>;
}

const SKIPPED_FIELDS = new Set(['name', 'message', 'stack', '$response', 'cause']);

export function errorToWire(err: unknown): WireError {
  const e = (err ?? {}) as Record<string, unknown> & { name?: string; message?: string };
  const fields: Record<string, unknown> = {};
  if (typeof err === 'object' && err !== null) for (const [k, v] of Object.entries(e)) if (!SKIPPED_FIELDS.has(k)) fields[k] = toWire(v);
  const kind = e.name === 'SimNotImplemented' ? 'notImplemented' : e.$metadata ? 'aws' : 'other';
  return { kind, name: String(e.name ?? 'Error'), message: String(e.message ?? err), fields };
}

/** The SDK package of each simulated service (loaded on the first error from that service). */
const PACKAGES: Record<string, string> = {
  EC2: '@aws-sdk/client-ec2',
  AutoScaling: '@aws-sdk/client-auto-scaling',
  ElasticLoadBalancing: '@aws-sdk/client-elastic-load-balancing',
  ElasticLoadBalancingV2: '@aws-sdk/client-elastic-load-balancing-v2',
  CloudWatch: '@aws-sdk/client-cloudwatch',
  EFS: '@aws-sdk/client-efs',
  SQS: '@aws-sdk/client-sqs',
};

type ErrorClass = new (opts: Record<string, unknown>) => Error;

function sdkExports(service: string): Record<string, unknown> {
  const pkg = PACKAGES[service.replace(/Client$/, '')];
  if (!pkg) return {};
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- only the service that failed is loaded
    return require(pkg) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function isErrorClass(v: unknown): v is ErrorClass {
  return typeof v === 'function' && v.prototype instanceof Error;
}

/**
 * The exception the client's SDK would have thrown: the modelled class of that name when the
 * service's package has one, else its ServiceException with the name set, with every field back.
 */
export function errorFromWire(service: string, w: WireError, operation = ''): Error {
  const fields = fromWire(w.fields) as Record<string, unknown>;
  let err: Error;
  if (w.kind === 'notImplemented') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- errors.ts loads every SDK; only needed here
    const { SimNotImplemented } = require('./errors') as typeof import('./errors');
    err = new SimNotImplemented(service.replace(/Client$/, ''), operation.replace(/Command$/, ''));
    err.message = w.message;
    return err;
  }
  if (w.kind === 'aws') {
    const sdk = sdkExports(service);
    const modelled = sdk[w.name];
    const base = Object.entries(sdk).find(([k, v]) => k.endsWith('ServiceException') && isErrorClass(v))?.[1] as ErrorClass | undefined;
    if (isErrorClass(modelled)) err = new modelled({ message: w.message, ...fields });
    else if (base) err = new base({ name: w.name, message: w.message, $fault: fields.$fault, $metadata: fields.$metadata });
    else err = new Error(w.message);
  } else {
    err = new Error(w.message);
  }
  Object.assign(err, fields);
  err.name = w.name;
  return err;
}
