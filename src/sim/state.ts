/**
 * The simulated account's whole state as plain JSON (times are epoch milliseconds), so
 * persistence is `JSON.stringify` and every handler works on the same records.
 */
import { AlarmRec, FileSystemRec, MountTargetRec, QueueRec } from './state-services';
import type { Elbv2State, MetricStore } from './state-elbv2';
import type { Tags } from './state-tags';

export type { AlarmRec, FileSystemRec, MessageRec, MountTargetRec, QueueRec } from './state-services';
export type { Elbv2State, ListenerRec, MetricStore, TargetGroupRec, TargetRec, V2LoadBalancerRec } from './state-elbv2';
export type { Tags } from './state-tags';

export interface SubnetRec {
  id: string;
  az: string;
  azId: string;
  cidr: string;
  vpcId: string;
  tags: Tags;
}

export interface IpPermissionRec {
  protocol: string;
  fromPort?: number;
  toPort?: number;
  cidrs: string[];
  groups: Array<{ groupId: string; description?: string }>;
}

export interface SecurityGroupRec {
  id: string;
  name: string;
  description: string;
  vpcId: string;
  tags: Tags;
  ingress: IpPermissionRec[];
}

export interface ImageRec {
  id: string;
  name: string;
  description?: string;
  state: 'pending' | 'available' | 'failed';
  createdAt: number;
  readyAt?: number;
  tags: Tags;
  sourceInstanceId?: string;
  snapshotId: string;
}

/** An EBS snapshot; CreateImage makes one per image (the root volume's). */
export interface SnapshotRec {
  id: string;
  state: 'pending' | 'completed';
  startedAt: number;
  volumeSize: number;
  description: string;
  tags: Tags;
}

export type InstanceState = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

export interface InstanceRec {
  id: string;
  reservationId: string;
  imageId: string;
  instanceType: string;
  subnetId: string;
  az: string;
  sgIds: string[];
  keyName?: string;
  tags: Tags;
  /** Base64 user-data as launched. */
  userData?: string;
  state: InstanceState;
  /** When the current transitional state (pending, shutting-down, stopping) ends. */
  stateUntil?: number;
  launchedAt: number;
  privateIp: string;
  launchTemplate?: { id: string; name: string; version: string };
  stateReason?: { code: string; message: string };
  transitionReason: string;
  /** Console output text (GetConsoleOutput base64-encodes it). */
  console: string;
  /** A bake builder: runs its build after boot, then shuts itself down. */
  build?: { commit: string; doneAt: number; finished: boolean };
  /** What an instance-initiated shutdown (a finished bake build) does. */
  shutdownBehavior: 'stop' | 'terminate';
  /** Set when the instance belongs to an Auto Scaling group. */
  group?: string;
  /** When a terminated instance disappears from DescribeInstances. */
  goneAt?: number;
}

export interface LaunchTemplateVersionRec {
  number: number;
  description?: string;
  createdAt: number;
  data: Record<string, unknown>;
}

export interface LaunchTemplateRec {
  id: string;
  name: string;
  createdAt: number;
  defaultVersion: number;
  latestVersion: number;
  tags: Tags;
  versions: LaunchTemplateVersionRec[];
}

export type LifecycleState =
  | 'Pending'
  | 'Pending:Wait'
  | 'Pending:Proceed'
  | 'InService'
  | 'Terminating'
  | 'Terminating:Wait'
  | 'Terminating:Proceed'
  | 'Terminated';

export interface GroupInstanceRec {
  id: string;
  az: string;
  subnetId: string;
  lifecycle: LifecycleState;
  health: 'Healthy' | 'Unhealthy';
  protected: boolean;
  launchTemplate: { id: string; name: string; version: string };
  launchedAt: number;
  inServiceAt?: number;
  /** Open lifecycle action, if the instance waits on a hook. */
  action?: { token: string; hook: string; deadline: number; result?: 'CONTINUE' | 'ABANDON' };
  /** Connection draining on the group's ELBs ends at this time. */
  drainUntil?: number;
  activityId?: string;
  /** Why the instance is leaving (activity cause). */
  exitCause?: string;
  /** Leave without running termination hooks (abandoned launch, force delete). */
  skipHooks?: boolean;
}

export interface GroupRec {
  name: string;
  arn: string;
  createdAt: number;
  launchTemplate: { id: string; name: string; version: string };
  min: number;
  max: number;
  desired: number;
  defaultCooldown: number;
  subnets: string[];
  loadBalancers: string[];
  /** ELBv2 target group ARNs (absent in accounts saved before they were modelled). */
  targetGroups?: string[];
  healthCheckType: 'EC2' | 'ELB';
  healthCheckGracePeriod: number;
  newInstancesProtected: boolean;
  tags: Array<{ key: string; value: string; propagate: boolean }>;
  suspended: Array<{ process: string; reason: string }>;
  instances: Record<string, GroupInstanceRec>;
  cooldownUntil: number;
  launchRetryAt: number;
  /** Consecutive failed launches (backs off retries). */
  launchFailures?: number;
  /** Why desired capacity last changed (prefix of the next activity's cause). */
  lastChangeCause?: string;
  deleting?: boolean;
}

export interface PolicyRec {
  arn: string;
  name: string;
  group: string;
  adjustmentType: string;
  adjustment: number;
  cooldown?: number;
  minAdjustmentMagnitude?: number;
}

export interface HookRec {
  group: string;
  name: string;
  transition: 'autoscaling:EC2_INSTANCE_LAUNCHING' | 'autoscaling:EC2_INSTANCE_TERMINATING';
  heartbeatTimeout: number;
  defaultResult: 'CONTINUE' | 'ABANDON';
  targetArn?: string;
  roleArn?: string;
  metadata?: string;
}

export interface RefreshRec {
  id: string;
  group: string;
  status: 'Pending' | 'InProgress' | 'Successful' | 'Failed' | 'Cancelled';
  statusReason?: string;
  startedAt: number;
  endedAt?: number;
  minHealthyPercentage: number;
  warmupMs: number;
  /** Instances that must be replaced; removed as they leave the group. */
  remaining: string[];
  total: number;
  /** Instances this refresh terminated and whose replacements it is waiting for. */
  inFlight: string[];
  skipMatching: boolean;
  lastProgressAt: number;
  preferences: Record<string, unknown>;
}

export interface ActivityRec {
  id: string;
  group: string;
  description: string;
  cause: string;
  startedAt: number;
  endedAt?: number;
  status: string;
  statusMessage?: string;
  progress: number;
  details: string;
}

export interface RegistrationRec {
  state: 'InService' | 'OutOfService';
  reasonCode: 'ELB' | 'Instance';
  description: string;
  passes: number;
  fails: number;
  nextCheckAt: number;
  /** Set while deregistration drains connections. */
  drainingUntil?: number;
}

export interface LoadBalancerRec {
  name: string;
  dnsName: string;
  createdAt: number;
  scheme: string;
  listeners: Array<{ protocol: string; port: number; instanceProtocol: string; instancePort: number; sslCertificateId?: string }>;
  subnets: string[];
  securityGroups: string[];
  tags: Tags;
  healthCheck: { target: string; interval: number; timeout: number; healthyThreshold: number; unhealthyThreshold: number };
  attributes: { draining: boolean; drainingTimeout: number; crossZone: boolean; idleTimeout: number };
  instances: Record<string, RegistrationRec>;
}

export interface SimState {
  region: string;
  accountId: string;
  vpcId: string;
  subnets: SubnetRec[];
  securityGroups: Record<string, SecurityGroupRec>;
  images: Record<string, ImageRec>;
  /** Absent in accounts saved before snapshots were modelled. */
  snapshots?: Record<string, SnapshotRec>;
  instances: Record<string, InstanceRec>;
  clientTokens: Record<string, { reservationId: string; instanceIds: string[]; hash: string }>;
  launchTemplates: Record<string, LaunchTemplateRec>;
  groups: Record<string, GroupRec>;
  policies: Record<string, PolicyRec>;
  hooks: Record<string, HookRec>;
  refreshes: RefreshRec[];
  activities: ActivityRec[];
  loadBalancers: Record<string, LoadBalancerRec>;
  alarms: Record<string, AlarmRec>;
  fileSystems: Record<string, FileSystemRec>;
  mountTargets: Record<string, MountTargetRec>;
  queues: Record<string, QueueRec>;
  eventQueue?: string;
  brokenAmis: string[];
  /** AMIs whose instances pass health checks but answer this fraction of requests with 5xx. */
  amiErrorRates?: Record<string, number>;
  loads: Record<string, number>;
  /** Application and Network Load Balancers, target groups, listeners (created on first use). */
  elbv2?: Elbv2State;
  /** Per-minute CloudWatch series published from the load model (created on first use). */
  metrics?: MetricStore;
  /** Per commit: how its bake ends; `brokenImage`: its AMI never passes health checks; `errorRate`: it serves 5xx. */
  buildResults: Record<string, { ok: boolean; durationMs?: number; message?: string; brokenImage?: boolean; errorRate?: number }>;
  /** Counter for private IPs and other non-random sequences of resources. */
  seq: number;
  /** Counter for request ids (apart from `seq` so read-only calls never shift resource fields). */
  requestSeq?: number;
}
