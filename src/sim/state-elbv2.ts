/** State records for ELBv2 (Application and Network Load Balancers) and CloudWatch metric series (see state.ts). */

/** Same shape as state.ts's Tags (not imported, so state.ts and this file do not import each other). */
type Tags = Record<string, string>;

export interface V2LoadBalancerRec {
  arn: string;
  name: string;
  /** The 16-hex id at the end of the ARN (also in CloudWatch's `app/<name>/<id>`). */
  id: string;
  type: 'application' | 'network';
  scheme: 'internet-facing' | 'internal';
  ipAddressType: string;
  dnsName: string;
  createdAt: number;
  /** provisioning until then, active after. */
  activeAt: number;
  subnets: string[];
  securityGroups: string[];
  tags: Tags;
}

export interface HealthCheckRec {
  enabled: boolean;
  protocol: string;
  port: string;
  path?: string;
  interval: number;
  timeout: number;
  healthy: number;
  unhealthy: number;
  matcher?: string;
}

export interface TargetRec {
  id: string;
  port: number;
  /** Health as last checked; `unused`/`draining` are derived when described. */
  state: 'initial' | 'healthy' | 'unhealthy';
  reason?: string;
  description?: string;
  passes: number;
  fails: number;
  nextCheckAt: number;
  /** Set while the target drains after DeregisterTargets (removed at that time). */
  drainingUntil?: number;
  /** True while the target group serves no load balancer: no health checks run. */
  idle?: boolean;
}

export interface TargetGroupRec {
  arn: string;
  name: string;
  id: string;
  protocol: string;
  protocolVersion?: string;
  port: number;
  vpcId: string;
  targetType: 'instance';
  createdAt: number;
  healthCheck: HealthCheckRec;
  attributes: Record<string, string>;
  tags: Tags;
  /** Keyed by `<instance id>:<port>`. */
  targets: Record<string, TargetRec>;
}

export interface ForwardTargetRec {
  arn: string;
  weight: number;
}

export interface ActionRec {
  type: string;
  order?: number;
  /** forward: the weighted target groups. */
  targetGroups?: ForwardTargetRec[];
  stickiness?: { enabled: boolean; durationSeconds?: number };
  /** Other action types (fixed-response, redirect) are kept as given and echoed back. */
  raw?: Record<string, unknown>;
}

export interface ListenerRec {
  arn: string;
  lbArn: string;
  port: number;
  protocol: string;
  actions: ActionRec[];
  certificates: Array<{ CertificateArn: string }>;
  sslPolicy?: string;
  tags: Tags;
}

export interface Elbv2State {
  loadBalancers: Record<string, V2LoadBalancerRec>;
  targetGroups: Record<string, TargetGroupRec>;
  listeners: Record<string, ListenerRec>;
}

/** One metric datapoint per virtual minute: sum, sample count, min, max, and weighted values for percentiles. */
export interface MetricSample {
  t: number;
  sum: number;
  n: number;
  min: number;
  max: number;
  /** [value, weight] pairs (latency metrics only). */
  dist?: Array<[number, number]>;
}

/**
 * A sample as saved (the account is written on every clock move, so it stays small):
 * `[t, value]` for a count reported once, `[t, sum, n, min, max, dist]` otherwise.
 */
export type StoredSample = [number, number] | [number, number, number, number, number, Array<[number, number]>];

export interface MetricSeries {
  namespace: string;
  name: string;
  dimensions: Array<{ Name: string; Value: string }>;
  unit: string;
  samples: StoredSample[];
}

export interface MetricStore {
  /** The end of the next minute to record. */
  nextAt: number;
  series: Record<string, MetricSeries>;
  /** Requests answered by instances of each AMI since the account began (for benches: how much traffic a bad build saw). */
  served?: Record<string, { requests: number; errors: number }>;
}
