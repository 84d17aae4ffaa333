/**
 * The status of one fleet as the controller writes it and the CLI reads it. Pure data plus
 * tiny pure helpers. `FleetStatusList` is the documented, stable JSON/YAML shape of
 * `drover get fleets -o json|yaml`; the single-fleet `describe -o json` is one `FleetStatus`.
 */
import type { Condition, FleetPhase } from './status';

export const FLEET_STATUS_API_VERSION = 'drover.dev/v1alpha1';
export const KIND_FLEET_STATUS = 'FleetStatus';
/** Default number of events kept per fleet (oldest dropped first). */
export const EVENT_CAP = 100;

export type GroupColor = 'blue' | 'green' | 'active';
export type ElbHealth = 'InService' | 'OutOfService' | 'Unknown' | '—';
export type DeploymentKind = 'bake' | 'swap' | 'rolling' | 'canary' | 'rollback';
export type DeploymentResult = 'InProgress' | 'Succeeded' | 'Failed' | 'RolledBack';

export interface FleetStatusSpec {
  /** metadata.labels, so status commands can select with `-l` without reading manifests. */
  labels?: Record<string, string>;
  region: string;
  ami?: string;
  bake?: { repository: string; branch: string };
  instanceType: string;
  min: number;
  max: number;
  desired: number;
  strategy: 'blueGreen' | 'rolling' | 'canary';
  loadBalancer: string;
  efs?: string;
  subnets: string[];
}

export interface GroupStatus {
  name: string;
  color: GroupColor;
  generation: number;
  ami?: string;
  desired: number;
  min: number;
  max: number;
  inService: number;
  instances: number;
}

export interface InstanceStatus {
  id: string;
  group: string;
  color: GroupColor;
  ami?: string;
  /** EC2 state name: pending, running, stopping, stopped, shutting-down, terminated. */
  state: string;
  elbHealth: ElbHealth;
  /** Auto Scaling lifecycle state, e.g. InService, Pending:Wait, Terminating. */
  lifecycleState: string;
  launchedAt?: string;
  /** Auto Scaling's availability zone for it; absent in status written before drover recorded it. */
  availabilityZone?: string;
}

export interface ObservedSummary {
  loadBalancerDns?: string;
  activeGroup?: string;
  groups: GroupStatus[];
  fileSystemId?: string;
  launchTemplateId?: string;
  alarms: Array<{ name: string; state: string }>;
  instances: InstanceStatus[];
}

export interface TimelinePoint {
  at: string;
  blueInService: number;
  greenInService: number;
  /**
   * The capacity that should serve at this sample: the serving group's desired capacity as AWS
   * reported it (blue's until cut-over, green's after), so the fleet's own scaling moves it.
   * Samples recorded before drover did so hold blue's desired at the deployment's start.
   */
  desired: number;
  phase: string;
  /** Green instances launched but not yet InService at the load balancer (pending, booting, health checks). */
  greenBooting?: number;
  /** Blue instances still running but out of the load balancer (deregistered, draining, terminating). */
  blueDraining?: number;
  /** Canary only: the traffic weight (percent) green carried at this sample. */
  weight?: number;
}

export interface DeploymentSide {
  group: string;
  inService: number;
  desired: number;
}

export interface DeploymentStatus {
  id: string;
  kind: DeploymentKind;
  /** The fleet this deployment belongs to (renderers fall back to the group names without it). */
  fleet?: string;
  generation?: number;
  fromAmi?: string;
  toAmi?: string;
  commit?: string;
  /** Machine phase, e.g. `waitGreenHealthy`, `soak`, `rolledBack`. */
  phase: string;
  result: DeploymentResult;
  /** PascalCase, e.g. GreenHealthTimeout. */
  reason?: string;
  message?: string;
  failingInstanceIds?: string[];
  startedAt: string;
  finishedAt?: string;
  timeoutAt?: string;
  blue?: DeploymentSide;
  green?: DeploymentSide;
  timeline?: TimelinePoint[];
  /** Canary only: where it is, for status, describe and the dashboard. */
  canary?: CanaryProgress;
}

/** One check of the newest analysis: green's `value` against its `threshold`, as the dashboard shows it. */
export interface CanaryCheckStatus {
  name: string;
  verdict: 'pass' | 'fail' | 'inconclusive';
  value?: number;
  threshold?: number;
  message: string;
  failures?: number;
  failureLimit?: number;
}

/** A canary's progress: `step` of `steps` (1-based), the weight and what carries it, the last analysis. */
export interface CanaryProgress {
  step: number;
  steps: number;
  weight: number;
  /** Green instances serving, of `desired`, when the weight is carried by instance counts (Classic ELB). */
  greenServing?: number;
  desired: number;
  approximate: boolean;
  /** Ends with the weight 100 cut-over. */
  cutOver: boolean;
  /** The newest analysis: its verdict, when it ran (after a weight step or during a pause, at which step), and its checks. */
  verdict?: 'pass' | 'fail' | 'inconclusive';
  analysedAt?: { phase: 'step' | 'pause'; step: number; weight?: number };
  analysis?: CanaryCheckStatus[];
  /** Analyses run so far in this rollout. */
  analyses?: number;
}

export interface FleetEvent {
  at: string;
  type: 'Normal' | 'Warning';
  /** PascalCase, e.g. SwapStarted. */
  reason: string;
  message: string;
  fleet: string;
  /** How many identical events in a row this one stands for (absent means 1). */
  count?: number;
}

export interface FleetStatus {
  name: string;
  spec: FleetStatusSpec;
  observed: ObservedSummary;
  ami?: string;
  commit?: string;
  ready: { inService: number; desired: number };
  phase: FleetPhase;
  conditions: Condition[];
  /** The current deployment, or the last one. */
  deployment?: DeploymentStatus;
  /** Deployments, newest first. */
  history: DeploymentStatus[];
  /** Newest last, capped at EVENT_CAP. */
  events: FleetEvent[];
  createdAt: string;
  updatedAt: string;
  observedAt?: string;
  /** The replica whose shard lease covers the fleet (added when served or read with shared state; `-` when none holds it now). */
  owner?: string;
}

export interface FleetStatusList {
  apiVersion: typeof FLEET_STATUS_API_VERSION;
  kind: typeof KIND_FLEET_STATUS;
  items: FleetStatus[];
}

export function toFleetStatusList(items: FleetStatus[]): FleetStatusList {
  return { apiVersion: FLEET_STATUS_API_VERSION, kind: KIND_FLEET_STATUS, items };
}

function conditionStatus(conditions: Condition[], type: string): Condition['status'] | undefined {
  return conditions.find((c) => c.type === type)?.status;
}

/**
 * The one-word phase from conditions, in precedence order: ManifestValid=False is Failed
 * (terminal, needs a user fix); Degraded=True is Degraded; Progressing=True is Progressing;
 * Ready=True is Ready; Ready=False is Degraded; anything else (no verdict yet) is Progressing.
 */
export function derivePhase(conditions: Condition[]): FleetPhase {
  if (conditionStatus(conditions, 'ManifestValid') === 'False') return 'Failed';
  if (conditionStatus(conditions, 'Degraded') === 'True') return 'Degraded';
  if (conditionStatus(conditions, 'Progressing') === 'True') return 'Progressing';
  const ready = conditionStatus(conditions, 'Ready');
  if (ready === 'True') return 'Ready';
  if (ready === 'False') return 'Degraded';
  return 'Progressing';
}

/**
 * Append an event, newest last, keeping at most `cap`. An event identical (type, reason,
 * message) to the newest one folds into it: its `at` moves forward and `count` goes up.
 * Returns a new status; the input is not modified.
 */
export function appendEvent(status: FleetStatus, event: FleetEvent, cap: number = EVENT_CAP): FleetStatus {
  const last = status.events[status.events.length - 1];
  const same = last && last.type === event.type && last.reason === event.reason && last.message === event.message && last.fleet === event.fleet;
  const events = same
    ? [...status.events.slice(0, -1), { ...last, at: event.at, count: (last.count ?? 1) + (event.count ?? 1) }]
    : [...status.events, event];
  return { ...status, events: events.slice(Math.max(0, events.length - Math.max(0, cap))) };
}
