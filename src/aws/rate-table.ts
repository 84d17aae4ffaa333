/**
 * drover's AWS rate budgets: one token bucket per service and class of action, sized as AWS
 * meters the account (per account, per Region). Sources, by AWS doc page title:
 *  - "Request throttling for the Amazon EC2 API" (EC2 developer guide): non-mutating actions,
 *    bucket 100 refilled at 20/s (read on the page). Its table of categories gives unfiltered
 *    and unpaginated non-mutating actions 50 at 10/s and mutating actions 50 at 5/s (figures as
 *    we recall that table; the excerpts we could read did not show it: check before relying on
 *    them). RunInstances also spends a resource bucket (1,000 instances refilled at 2/s) that
 *    drover never reaches: it launches through Auto Scaling. The page now says request rate
 *    limiting is per API action (its example: DescribeHosts, 100 refilled at 20/s), so one shared
 *    read bucket for every EC2 describe, as here, is stricter than AWS.
 *  - "Request throttling for the ELB API" (Elastic Load Balancing user guide): non-mutating
 *    (Describe*) actions, bucket 40 refilled at 10/s; each API version (v1 Classic, v2) has its
 *    own buckets. The register/deregister and other mutating figures below are assumptions
 *    (conservative), not figures we could read on that page.
 *  - "CloudWatch service quotas": PutMetricAlarm 3 TPS and PutMetricData 500 TPS (read);
 *    DescribeAlarms 9 TPS, GetMetricData 50 TPS, DeleteAlarms 3 TPS (as we recall the page). A TPS
 *    quota is a bucket of one second's worth.
 *  - "Why are my Amazon EC2 Auto Scaling API calls throttled" (AWS re:Post knowledge center):
 *    all Amazon EC2 Auto Scaling calls share one bucket per account and Region. AWS publishes no
 *    figure; 20/s with a burst of 40 is an assumption.
 *  - Amazon EFS and the SQS control plane (CreateQueue, Get/SetQueueAttributes, …) publish no API
 *    rate; the figures below are assumptions. SQS message calls (receive, delete, visibility,
 *    send) are metered per queue at a nearly unlimited rate and spend no budget here.
 * Every figure can be overridden per service and class (daemon option `rateLimits`).
 */
import type { BucketLimit } from '../util/token-bucket';
import { isReadOnlyCommand } from './commands';

/** Service (as the SDK client names it, without `Client`) → class of action → bucket. */
export type RateTable = Record<string, Record<string, BucketLimit>>;

/** Per service and class overrides of the table (partial limits merge over the defaults). */
export type RateTableOverrides = Record<string, Record<string, Partial<BucketLimit>>>;

const ELB_CLASSES: Record<string, BucketLimit> = {
  read: { ratePerSecond: 10, burst: 40 },
  register: { ratePerSecond: 4, burst: 20 },
  mutate: { ratePerSecond: 2, burst: 10 },
};

export const AWS_RATE_TABLE: RateTable = {
  EC2: {
    read: { ratePerSecond: 20, burst: 100 },
    'read-unfiltered': { ratePerSecond: 10, burst: 50 },
    mutate: { ratePerSecond: 5, burst: 50 },
  },
  AutoScaling: { all: { ratePerSecond: 20, burst: 40 } },
  ElasticLoadBalancing: ELB_CLASSES,
  ElasticLoadBalancingV2: ELB_CLASSES,
  CloudWatch: {
    DescribeAlarms: { ratePerSecond: 9, burst: 9 },
    GetMetricData: { ratePerSecond: 50, burst: 50 },
    PutMetricAlarm: { ratePerSecond: 3, burst: 3 },
    DeleteAlarms: { ratePerSecond: 3, burst: 3 },
    PutMetricData: { ratePerSecond: 500, burst: 500 },
    read: { ratePerSecond: 9, burst: 9 },
    mutate: { ratePerSecond: 3, burst: 3 },
  },
  EFS: { read: { ratePerSecond: 10, burst: 20 }, mutate: { ratePerSecond: 5, burst: 10 } },
  SQS: { control: { ratePerSecond: 10, burst: 20 } },
};

/** A service the table does not know: drover's former global budget. */
export const FALLBACK_CLASSES: Record<string, BucketLimit> = {
  read: { ratePerSecond: 20, burst: 20 },
  mutate: { ratePerSecond: 5, burst: 5 },
};

/** SQS message operations: outside every budget. */
export const SQS_DATA_PLANE = new Set(['ReceiveMessage', 'DeleteMessage', 'DeleteMessageBatch', 'ChangeMessageVisibility', 'ChangeMessageVisibilityBatch', 'SendMessage', 'SendMessageBatch']);

const ELB_REGISTER = new Set(['RegisterTargets', 'DeregisterTargets', 'RegisterInstancesWithLoadBalancer', 'DeregisterInstancesFromLoadBalancer']);

/** EC2 parameters that neither filter nor page a describe. */
const EC2_NEUTRAL_PARAMS = new Set(['DryRun', 'NextToken']);

function hasValue(v: unknown): boolean {
  return v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
}

/**
 * The class of action a call spends, or `undefined` for a call outside every budget (SQS data
 * plane). `input` is the command's input (EC2 tells filtered from unfiltered describes by it).
 */
export function rateClass(service: string, operation: string, input?: unknown): string | undefined {
  const read = isReadOnlyCommand(operation);
  switch (service) {
    case 'EC2': {
      if (!read) return 'mutate';
      const params = Object.entries((input ?? {}) as Record<string, unknown>).filter(([k, v]) => !EC2_NEUTRAL_PARAMS.has(k) && hasValue(v));
      return params.length === 0 ? 'read-unfiltered' : 'read';
    }
    case 'AutoScaling':
      return 'all';
    case 'ElasticLoadBalancing':
    case 'ElasticLoadBalancingV2':
      return read ? 'read' : ELB_REGISTER.has(operation) ? 'register' : 'mutate';
    case 'CloudWatch':
      return AWS_RATE_TABLE.CloudWatch[operation] ? operation : read ? 'read' : 'mutate';
    case 'SQS':
      return SQS_DATA_PLANE.has(operation) ? undefined : 'control';
    default:
      return read ? 'read' : 'mutate';
  }
}

/** The table with `overrides` merged in; a bad figure is refused naming its service and class. */
export function resolveRateTable(overrides: RateTableOverrides = {}): RateTable {
  const table: RateTable = {};
  for (const [service, classes] of Object.entries(AWS_RATE_TABLE)) table[service] = { ...classes };
  for (const [service, classes] of Object.entries(overrides)) {
    const base = (table[service] ??= { ...FALLBACK_CLASSES });
    for (const [cls, limit] of Object.entries(classes)) {
      const merged = { ...(base[cls] ?? FALLBACK_CLASSES.read), ...limit };
      if (!(merged.ratePerSecond > 0) || !(merged.burst >= 1)) {
        throw new Error(`rate limits: ${service}.${cls}: rate must be > 0 and burst >= 1 (got ${merged.ratePerSecond}/s, burst ${merged.burst})`);
      }
      base[cls] = merged;
    }
  }
  return table;
}

/**
 * Parse `SERVICE.CLASS=RATE[/BURST]` (e.g. `EC2.read=40/200`, `AutoScaling.all=10`) into
 * `overrides`; throws a message naming what is wrong.
 */
export function parseRateLimit(text: string, overrides: RateTableOverrides = {}): RateTableOverrides {
  const m = /^([A-Za-z0-9]+)\.([A-Za-z0-9-]+)=([0-9.]+)(?:\/([0-9.]+))?$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not SERVICE.CLASS=RATE[/BURST] (e.g. EC2.read=40/200)`);
  const [, service, cls, rate, burst] = m;
  const limit: Partial<BucketLimit> = { ratePerSecond: Number(rate) };
  if (burst !== undefined) limit.burst = Number(burst);
  if (!(limit.ratePerSecond! > 0) || (burst !== undefined && !(limit.burst! >= 1))) throw new Error(`"${text}": rate must be > 0 and burst >= 1`);
  const known = AWS_RATE_TABLE[service];
  if (known && !known[cls]) throw new Error(`"${text}": ${service} has no class ${cls} (it has ${Object.keys(known).join(', ')})`);
  (overrides[service] ??= {})[cls] = limit;
  return overrides;
}
