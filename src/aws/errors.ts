/**
 * The only place that knows AWS error-code strings. Everything else asks `isNotFound(err)`
 * or `classifyAwsError(err)`, so a code AWS renames is fixed here once.
 */
import { DroverError } from '../util/errors';

export type AwsErrorClass =
  | 'notFound'
  | 'alreadyExists'
  | 'throttled'
  | 'capacity'
  | 'invalid'
  | 'accessDenied'
  | 'dependency'
  | 'server'
  | 'unknown';

/** Exact codes, compared after dropping an `Exception`/`Fault` suffix. */
const CODES: Record<string, AwsErrorClass> = {
  // not found
  LoadBalancerNotFound: 'notFound',
  AccessPointNotFound: 'notFound',
  ListenerNotFound: 'notFound',
  TargetGroupNotFound: 'notFound',
  LoadBalancerAttributeNotFound: 'notFound',
  ResourceNotFound: 'notFound',
  FileSystemNotFound: 'notFound',
  MountTargetNotFound: 'notFound',
  QueueDoesNotExist: 'notFound',
  'AWS.SimpleQueueService.NonExistentQueue': 'notFound',
  ActiveInstanceRefreshNotFound: 'notFound',
  // already exists
  AlreadyExists: 'alreadyExists',
  DuplicateLoadBalancerName: 'alreadyExists',
  DuplicateAccessPointName: 'alreadyExists',
  DuplicateListener: 'alreadyExists',
  DuplicateTargetGroupName: 'alreadyExists',
  FileSystemAlreadyExists: 'alreadyExists',
  MountTargetConflict: 'alreadyExists',
  QueueNameExists: 'alreadyExists',
  ResourceConflict: 'alreadyExists',
  // throttled
  Throttling: 'throttled',
  Throttled: 'throttled',
  RequestLimitExceeded: 'throttled',
  RequestThrottled: 'throttled',
  TooManyRequests: 'throttled',
  DependencyThrottle: 'throttled',
  ResourceContention: 'throttled',
  SlowDown: 'throttled',
  ProvisionedThroughputExceeded: 'throttled',
  // capacity and quotas
  InsufficientInstanceCapacity: 'capacity',
  InsufficientCapacity: 'capacity',
  InsufficientThroughputCapacity: 'capacity',
  LimitExceeded: 'capacity',
  FileSystemLimitExceeded: 'capacity',
  TooManyAccessPoints: 'capacity',
  // invalid requests
  ValidationError: 'invalid',
  Validation: 'invalid',
  InvalidParameterValue: 'invalid',
  InvalidParameterCombination: 'invalid',
  InvalidParameter: 'invalid',
  MissingParameter: 'invalid',
  MissingRequiredParameter: 'invalid',
  InvalidConfigurationRequest: 'invalid',
  DuplicateTagKeys: 'invalid',
  BadRequest: 'invalid',
  InvalidSubnet: 'invalid',
  InvalidSecurityGroup: 'invalid',
  UnsupportedProtocol: 'invalid',
  CertificateNotFound: 'invalid',
  // access
  AccessDenied: 'accessDenied',
  UnauthorizedOperation: 'accessDenied',
  AuthFailure: 'accessDenied',
  UnrecognizedClient: 'accessDenied',
  InvalidClientTokenId: 'accessDenied',
  ExpiredToken: 'accessDenied',
  OptInRequired: 'accessDenied',
  // wait and try again
  DependencyViolation: 'dependency',
  ResourceInUse: 'dependency',
  ScalingActivityInProgress: 'dependency',
  FileSystemInUse: 'dependency',
  IncorrectFileSystemLifeCycleState: 'dependency',
  IncorrectMountTargetState: 'dependency',
  InstanceRefreshInProgress: 'dependency',
  IdempotentCallInProgress: 'dependency',
  // server side
  InternalError: 'server',
  InternalFailure: 'server',
  InternalServerError: 'server',
  InternalService: 'server',
  ServiceUnavailable: 'server',
  Unavailable: 'server',
  DependencyTimeout: 'server',
};

/** Families of EC2 codes: `InvalidAMIID.NotFound`, `InvalidGroup.Duplicate`, `InvalidAMIID.Malformed`. */
const SUFFIXES: Array<[RegExp, AwsErrorClass]> = [
  [/\.NotFound$/, 'notFound'],
  [/\.(Duplicate|AlreadyExists)$/, 'alreadyExists'],
  [/\.(Malformed|Invalid|Range)$/, 'invalid'],
  [/\.InUse$/, 'dependency'],
];

/** The AWS error code (`err.name`, falling back to `err.Code` / `err.code`), or undefined. */
export function awsErrorCode(err: unknown): string | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { name?: unknown; Code?: unknown; code?: unknown };
  for (const v of [e.name, e.Code, e.code]) {
    if (typeof v === 'string' && v && v !== 'Error') return v;
  }
  return undefined;
}

function normalize(code: string): string {
  return code.replace(/(Exception|Fault)$/, '');
}

export function classifyAwsError(err: unknown): AwsErrorClass {
  if (err instanceof CloudError) return err.errorClass;
  const code = awsErrorCode(err);
  if (code) {
    const exact = CODES[code] ?? CODES[normalize(code)];
    // Auto Scaling reports a missing group as a ValidationError.
    if (exact === 'invalid' && /not found|does not exist/i.test(messageOf(err))) return 'notFound';
    if (exact) return exact;
    const family = SUFFIXES.find(([re]) => re.test(normalize(code)));
    if (family) return family[1];
  }
  const fault = (err as { $fault?: unknown } | undefined)?.$fault;
  if (fault === 'server') return 'server';
  return 'unknown';
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String((err as { message?: unknown })?.message ?? '');
}

export const isNotFound = (err: unknown): boolean => classifyAwsError(err) === 'notFound';
export const isAlreadyExists = (err: unknown): boolean => classifyAwsError(err) === 'alreadyExists';
export const isThrottled = (err: unknown): boolean => classifyAwsError(err) === 'throttled';
export const isCapacity = (err: unknown): boolean => classifyAwsError(err) === 'capacity';
export const isInvalid = (err: unknown): boolean => classifyAwsError(err) === 'invalid';
export const isAccessDenied = (err: unknown): boolean => classifyAwsError(err) === 'accessDenied';
export const isDependency = (err: unknown): boolean => classifyAwsError(err) === 'dependency';
export const isServerError = (err: unknown): boolean => classifyAwsError(err) === 'server';

/** Worth retrying inside one call (with backoff): throttling and server faults. */
export function isTransient(err: unknown): boolean {
  const c = classifyAwsError(err);
  return c === 'throttled' || c === 'server';
}

/** Worth retrying later by the controller: transient, capacity, or waiting on a dependency. */
export function isRetryableClass(c: AwsErrorClass): boolean {
  return c === 'throttled' || c === 'server' || c === 'capacity' || c === 'dependency';
}

/** An AWS failure with drover's context. `code` is the AWS error code when there is one. */
export class CloudError extends DroverError {
  readonly errorClass: AwsErrorClass;
  readonly awsCode?: string;

  constructor(message: string, opts: { errorClass: AwsErrorClass; awsCode?: string; cause?: unknown }) {
    super(message, {
      code: opts.awsCode ?? `Aws${opts.errorClass[0].toUpperCase()}${opts.errorClass.slice(1)}`,
      retryable: isRetryableClass(opts.errorClass),
      source: opts.errorClass === 'invalid' || opts.errorClass === 'accessDenied' ? 'user' : 'aws',
      cause: opts.cause,
    });
    this.errorClass = opts.errorClass;
    this.awsCode = opts.awsCode;
  }
}

/** Wrap any error as a CloudError: `creating load balancer x for fleet y: <cause> (<Code>)`. */
export function toCloudError(context: string, err: unknown): CloudError {
  if (err instanceof CloudError) {
    return new CloudError(`${context}: ${err.message}`, { errorClass: err.errorClass, awsCode: err.awsCode, cause: err });
  }
  const code = awsErrorCode(err);
  const cause = messageOf(err) || code || 'unknown error';
  const suffix = code && !cause.includes(code) ? ` (${code})` : '';
  return new CloudError(`${context}: ${cause}${suffix}`, { errorClass: classifyAwsError(err), awsCode: code, cause: err });
}
