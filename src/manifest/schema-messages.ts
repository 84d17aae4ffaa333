/**
 * Turn ajv's errors into friendly problems pointed at YAML nodes:
 * `spec.capacity: unknown field "desird" (did you mean "desired"?)`.
 */
import type { ErrorObject } from 'ajv';
import { formatDuration } from '../util/clock';
import { DocContext, MAX_DOC_PROBLEMS } from './doc-context';
import { DURATION_KEYWORD, DurationRange } from './schema-defaults';
import { nearest } from './suggest';
import { Path, pointerToPath } from './yaml-locate';

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
};

const PATTERN_HINTS: Record<string, string> = {
  fleetName: 'must be 2-32 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen',
  elbName: 'must be a Classic ELB name: at most 32 letters, digits and hyphens, not starting or ending with a hyphen',
  region: 'must be an AWS region like "eu-west-1"',
  subnetId: 'must be a subnet id like "subnet-0a1b2c3d4e5f60001"',
  securityGroupId: 'must be a security group id like "sg-0a1b2c3d4e5f60001"',
  amiId: 'must be an AMI id like "ami-0a1b2c3d4e5f60001"',
  instanceType: 'must be an EC2 instance type like "c5.large"',
  healthCheckTarget: 'must look like "HTTP:80/health_check.php" or "TCP:80"',
  certificateArn: 'must be a certificate ARN like "arn:aws:acm:eu-west-1:123456789012:certificate/<id>"',
  queue: 'must be an SQS queue name (letters, digits, "-" and "_") or an https:// queue URL',
  mountPath: 'must be an absolute path like "/var/www/media"',
  name: 'must be letters, digits, ".", "_" and "-", starting with a letter or digit',
};

const DURATION_HINT = 'must be a duration like "30s", "5m" or "1h30m"';

/** Quote and shorten a value for a message. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  return String(v);
}

function definitionOf(e: ErrorObject): string | undefined {
  return /^#\/definitions\/([^/]+)\//.exec(e.schemaPath)?.[1];
}

function durationMessage(data: unknown): string {
  if (typeof data === 'number' || (typeof data === 'string' && /^\d+$/.test(data.trim()))) {
    return `a bare number is not a duration: add a unit, e.g. "${String(data).trim()}s" (units: s, m, h, d)`;
  }
  return `${DURATION_HINT}, got ${describeValue(data)}`;
}

function typeMessage(e: ErrorObject): string {
  if (definitionOf(e) === 'duration') return durationMessage(e.data);
  const expected = String((e.params as { type: string }).type)
    .split(',')
    .map((t) => TYPE_NAMES[t] ?? t)
    .join(' or ');
  const quoteHint = expected === 'a string' && (typeof e.data === 'number' || typeof e.data === 'boolean') ? ' (quote it)' : '';
  return `must be ${expected}, got ${describeValue(e.data)}${quoteHint}`;
}

function patternMessage(e: ErrorObject, path: Path): string {
  const def = definitionOf(e);
  if (def === 'duration') return durationMessage(e.data);
  const hint = (def && PATTERN_HINTS[def]) ?? PATTERN_HINTS[String(path[path.length - 1])];
  return `${hint ?? `must match ${(e.params as { pattern: string }).pattern}`}, got ${describeValue(e.data)}`;
}

function enumMessage(e: ErrorObject): string {
  const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
  const list = allowed.map((a) => `"${a}"`).join(', ');
  const guess = typeof e.data === 'string' ? nearest(e.data, allowed) : undefined;
  return `must be one of ${list}, got ${describeValue(e.data)}${guess ? ` (did you mean "${guess}"?)` : ''}`;
}

function durationRangeMessage(e: ErrorObject): string {
  const r = e.schema as DurationRange;
  return `must be between ${formatDuration(r.min)} and ${formatDuration(r.max)}, got ${describeValue(e.data)}`;
}

function knownFields(e: ErrorObject): string[] {
  return Object.keys(((e.parentSchema as { properties?: object }) ?? {}).properties ?? {});
}

function suggestionFor(e: ErrorObject): string | undefined {
  return nearest(String((e.params as { additionalProperty: string }).additionalProperty), knownFields(e));
}

function reportUnknownField(ctx: DocContext, e: ErrorObject, path: Path): void {
  const field = String((e.params as { additionalProperty: string }).additionalProperty);
  const known = knownFields(e);
  const guess = suggestionFor(e);
  const hint = guess ? ` (did you mean "${guess}"?)` : known.length ? ` (known fields: ${known.join(', ')})` : '';
  ctx.report([...path, field], `unknown field ${describeValue(field)}${hint}`, { target: 'key', label: path });
}

function reportDuplicate(ctx: DocContext, e: ErrorObject, path: Path): void {
  const { i, j } = e.params as { i: number; j: number };
  const later = Math.max(i, j);
  const earlier = Math.min(i, j);
  const value = Array.isArray(e.data) ? e.data[later] : undefined;
  ctx.report([...path, later], `duplicate entry ${describeValue(value)} (same as item ${earlier + 1})`);
}

function reportRequired(ctx: DocContext, e: ErrorObject, path: Path): void {
  const field = (e.params as { missingProperty: string }).missingProperty;
  const why = e.schemaPath.includes('/then/') ? ' (HTTPS and SSL listeners need a certificate)' : '';
  ctx.report(path, `missing required field "${field}"${why}`, { target: 'key' });
}

function reportAnyOf(ctx: DocContext, e: ErrorObject, path: Path): void {
  const branches = (e.schema as Array<{ required?: string[] }>).map((b) => (b.required ?? []).map((r) => `"${r}"`).join(' and '));
  ctx.report(path, `needs ${branches.join(' or ')} (or both)`, { target: 'key' });
}

type Simple = (e: ErrorObject, path: Path) => string;

const SIMPLE: Record<string, Simple> = {
  type: (e) => typeMessage(e),
  pattern: (e, path) => patternMessage(e, path),
  enum: (e) => enumMessage(e),
  const: (e) => `must be "${String((e.params as { allowedValue: unknown }).allowedValue)}", got ${describeValue(e.data)}`,
  minimum: (e) => `must be at least ${(e.params as { limit: number }).limit}, got ${describeValue(e.data)}`,
  maximum: (e) => `must be at most ${(e.params as { limit: number }).limit}, got ${describeValue(e.data)}`,
  minItems: (e) => `needs at least ${(e.params as { limit: number }).limit} item(s)`,
  maxItems: (e) => `allows at most ${(e.params as { limit: number }).limit} items, got ${(e.data as unknown[]).length}`,
  minLength: () => 'must not be empty',
  maxLength: (e) => `must be at most ${(e.params as { limit: number }).limit} characters long`,
  [DURATION_KEYWORD]: (e) => durationRangeMessage(e),
};

function reportOne(ctx: DocContext, e: ErrorObject): void {
  const path = pointerToPath(e.instancePath);
  if (e.keyword === 'additionalProperties') return reportUnknownField(ctx, e, path);
  if (e.keyword === 'uniqueItems') return reportDuplicate(ctx, e, path);
  if (e.keyword === 'required') return reportRequired(ctx, e, path);
  if (e.keyword === 'anyOf') return reportAnyOf(ctx, e, path);
  const propertyName = (e as { propertyName?: string }).propertyName;
  if (propertyName !== undefined) {
    return ctx.report([...path, propertyName], `label key ${describeValue(propertyName)} must be letters, digits, ".", "_", "/" and "-"`, {
      target: 'key',
      label: path,
    });
  }
  const simple = SIMPLE[e.keyword];
  ctx.report(path, simple ? simple(e, path) : (e.message ?? `fails ${e.keyword}`));
}

function coveredByTypo(e: ErrorObject, misspelt: Set<string>): boolean {
  if (e.keyword === 'required') return misspelt.has(`${e.instancePath}/${(e.params as { missingProperty: string }).missingProperty}`);
  if (e.keyword !== 'anyOf') return false;
  const required = (e.schema as Array<{ required?: string[] }>).flatMap((b) => b.required ?? []);
  return required.some((r) => misspelt.has(`${e.instancePath}/${r}`));
}

/** Report every ajv error, dropping the noise ajv adds around `anyOf` and `if`/`then`. */
export function reportSchemaErrors(ctx: DocContext, errors: ErrorObject[]): void {
  // A misspelt required field is one mistake: report the typo, not also the missing field.
  // Only as many as can be reported: a document of 100k unknown keys must not cost 100k suggestions.
  const misspelt = new Set(
    errors
      .filter((e) => e.keyword === 'additionalProperties')
      .slice(0, MAX_DOC_PROBLEMS)
      .map((e) => `${e.instancePath}/${suggestionFor(e)}`),
  );
  for (const e of errors) {
    if (ctx.full()) return;
    if (e.keyword === 'if' || e.keyword === 'propertyNames' || e.schemaPath.includes('/anyOf/')) continue;
    if (coveredByTypo(e, misspelt)) continue;
    reportOne(ctx, e);
  }
}
