/**
 * Where drover's IAM policy applies: regions, account, and the fleets' resource names,
 * turned into resource ARNs. Unknown parts become `*` segments (resources may hold `*`,
 * actions never do), so a policy rendered without fleets is valid, only broader.
 */
import { resourceNames } from '../model/names';
import type { StateLocation } from '../state/url';
import { DroverError } from '../util/errors';

export interface FleetScope {
  name: string;
  region: string;
  loadBalancerName: string;
  /** SQS queue name or URL (`spec.events.queue`). */
  queue?: string;
}

export interface IamPolicyOptions {
  fleets?: FleetScope[];
  accountId?: string;
  /** Used when no fleet is given; default `*`. */
  region?: string;
  /** `--state`/`DROVER_STATE`: a DynamoDB location adds the state table's policies. */
  state?: StateLocation;
}

/** The queue the deploy manifests create and the daemon reads when a fleet names none. */
export const DEFAULT_QUEUE = 'drover-events';

interface QueueRef {
  region: string;
  account: string;
  name: string;
}

export interface PolicyScope {
  account: string;
  regions: string[];
  fleets: FleetScope[];
  queues: QueueRef[];
}

const ACCOUNT_RE = /^\d{12}$/;
const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d$/;

export function resolveScope(opts: IamPolicyOptions = {}): PolicyScope {
  const account = opts.accountId ?? '*';
  if (account !== '*' && !ACCOUNT_RE.test(account)) throw invalid(`account id ${account} is not 12 digits`);
  const fleets = opts.fleets ?? [];
  const regions = unique(fleets.length ? fleets.map((f) => f.region) : [opts.region ?? '*']);
  for (const r of regions) if (r !== '*' && !REGION_RE.test(r)) throw invalid(`${r} is not an AWS region`);
  const named = fleets.filter((f) => f.queue).map((f) => parseQueue(f.queue!, f.region, account));
  const queues = named.length ? named : regions.map((region) => ({ region, account, name: DEFAULT_QUEUE }));
  return { account, regions, fleets, queues: uniqueBy(queues, (q) => `${q.region}/${q.account}/${q.name}`) };
}

/** A queue name, or an https queue URL whose host and path name the region and account. */
function parseQueue(queue: string, region: string, account: string): QueueRef {
  if (!/^https?:\/\//i.test(queue)) return { region, account, name: queue };
  const url = new URL(queue);
  const [acct, name] = url.pathname.split('/').filter(Boolean);
  const host = /^sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(url.hostname) ?? /^([a-z0-9-]+)\.queue\.amazonaws\.com/.exec(url.hostname);
  return { region: host?.[1] ?? region, account: acct ?? account, name: name ?? queue };
}

export function ec2Arns(s: PolicyScope, type: string): string[] {
  return s.regions.map((r) => `arn:aws:ec2:${r}:${s.account}:${type}/*`);
}

/** Images and snapshots have no account in their ARN. */
export function ec2OwnerlessArns(s: PolicyScope, type: 'image' | 'snapshot'): string[] {
  return s.regions.map((r) => `arn:aws:ec2:${r}::${type}/*`);
}

/** Versioned groups `<fleet>-v007`; any group when no fleet is given. */
export function groupArns(s: PolicyScope): string[] {
  const arn = (r: string, name: string) => `arn:aws:autoscaling:${r}:${s.account}:autoScalingGroup:*:autoScalingGroupName/${name}`;
  return s.fleets.length ? unique(s.fleets.map((f) => arn(f.region, `${f.name}-v*`))) : s.regions.map((r) => arn(r, '*'));
}

/**
 * The fleets' load balancers: Classic (`loadbalancer/<name>`) and Application/Network
 * (`loadbalancer/app|net/<name>/<id>`) in one pattern, `loadbalancer/*<name>*`, to keep the
 * policy under IAM's size limit (the statements using it also require drover's tag).
 */
export function loadBalancerArns(s: PolicyScope): string[] {
  const arn = (r: string, name: string) => `arn:aws:elasticloadbalancing:${r}:${s.account}:loadbalancer/${name}`;
  return s.fleets.length ? unique(s.fleets.map((f) => arn(f.region, `*${f.loadBalancerName}*`))) : s.regions.map((r) => arn(r, '*'));
}

/** Listeners (`listener/app|net/<load balancer>/<id>/<id>`) of the fleets' load balancers. */
export function listenerArns(s: PolicyScope): string[] {
  const arn = (r: string, name: string) => `arn:aws:elasticloadbalancing:${r}:${s.account}:listener/*/${name}/*`;
  return s.fleets.length ? unique(s.fleets.map((f) => arn(f.region, f.loadBalancerName))) : s.regions.map((r) => arn(r, '*'));
}

/** Target groups: drover names them per fleet and tags them, so the tag conditions scope them. */
export function targetGroupArns(s: PolicyScope): string[] {
  return s.regions.map((r) => `arn:aws:elasticloadbalancing:${r}:${s.account}:targetgroup/*`);
}

export function alarmArns(s: PolicyScope): string[] {
  const arn = (r: string, name: string) => `arn:aws:cloudwatch:${r}:${s.account}:alarm:${name}`;
  return s.fleets.length
    ? unique(s.fleets.map((f) => arn(f.region, `${resourceNames(f.name).alarmPrefix}*`)))
    : s.regions.map((r) => arn(r, '*'));
}

export function fileSystemArns(s: PolicyScope): string[] {
  return s.regions.map((r) => `arn:aws:elasticfilesystem:${r}:${s.account}:file-system/*`);
}

/** Each queue and its dead-letter queue `<name>-dlq`, unless `withDlq` is false. */
export function queueArns(s: PolicyScope, withDlq = true): string[] {
  return s.queues.flatMap((q) => {
    const arn = `arn:aws:sqs:${q.region}:${q.account}:${q.name}`;
    return withDlq ? [arn, `${arn}-dlq`] : [arn];
  });
}

export function serviceLinkedRoleArn(s: PolicyScope, service: string, role: string): string {
  return `arn:aws:iam::${s.account}:role/aws-service-role/${service}/${role}`;
}

function invalid(cause: string): DroverError {
  return new DroverError(`building the iam policy: ${cause}`, { code: 'InvalidPolicyScope', source: 'user' });
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

function uniqueBy<T>(xs: T[], key: (x: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const x of xs) if (!seen.has(key(x))) seen.set(key(x), x);
  return [...seen.values()];
}
