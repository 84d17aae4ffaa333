/**
 * The desired state of one fleet, as validated from a `kind: Fleet` manifest.
 * Durations are whole seconds. Pure data: no I/O, no SDK types.
 */

import type { AnalysisSpec } from './analysis';

export const API_VERSION = 'drover.dev/v1alpha1';
export const KIND_FLEET = 'Fleet';

export interface DesiredFleet {
  /** metadata.name: the fleet key; lowercase letters, digits and hyphens. */
  name: string;
  /** Where the manifest came from, for error messages and status. */
  source: { file: string; line: number };
  labels: Record<string, string>;
  region: string;
  network: DesiredNetwork;
  image: DesiredImage;
  instances: DesiredInstances;
  capacity: DesiredCapacity;
  loadBalancer: DesiredLoadBalancer;
  storage?: DesiredStorage;
  scaling?: DesiredScaling;
  deploy: DeployPolicy;
  events?: { queue: string };
  /** spec.deletion: the fleet's resources are deleted (and kept deleted) instead of reconciled. */
  deletion?: boolean;
  /**
   * Set by the daemon when its manifest directory no longer gives one good spec for this fleet
   * (a broken file, or the name declared twice): the fleet runs on this, its last good spec,
   * and status says why (ManifestValid False).
   */
  manifestIssue?: { reason: 'ManifestConflict' | 'ManifestInvalid'; message: string };
}

export interface DesiredNetwork {
  subnets: string[];
  securityGroups: string[];
}

export interface DesiredImage {
  /** A pinned AMI. When absent, `bake` must be present. */
  ami?: string;
  bake?: BakeRecipe;
  /** Baked images kept besides the serving image and the rollback target (`spec.image.retain`, default DEFAULT_IMAGE_RETAIN). */
  retain?: number;
}

/** `spec.image.retain` when the manifest does not say. */
export const DEFAULT_IMAGE_RETAIN = 3;

export interface BakeRecipe {
  baseAmi: string;
  repository: string;
  branch: string;
  buildScript: string;
  builderInstanceType: string;
  timeoutSeconds: number;
  /** `base`: builders start from baseAmi; `current`: from the fleet's current AMI. */
  from: 'base' | 'current';
}

export interface DesiredInstances {
  type: string;
  keyName?: string;
  userData?: string;
}

export interface DesiredCapacity {
  min: number;
  max: number;
  desired: number;
  /** Taking a running fleet to 0 instances is refused unless this is set. */
  allowZero?: boolean;
}

export interface Listener {
  protocol: 'HTTP' | 'HTTPS' | 'TCP' | 'SSL';
  port: number;
  instanceProtocol: 'HTTP' | 'HTTPS' | 'TCP' | 'SSL';
  instancePort: number;
  sslCertificateId?: string;
}

export interface HealthCheck {
  /** e.g. `HTTP:80/health_check.php` or `TCP:80`. */
  target: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
}

/** `spec.loadBalancer.type`: a Classic ELB (the default) or an ELBv2 load balancer with target groups. */
export type LoadBalancerType = 'classic' | 'application' | 'network';

/** The target group template drover stamps twice per fleet (`<fleet>-blue`, `<fleet>-green`). */
export interface DesiredTargetGroup {
  protocol: 'HTTP' | 'HTTPS' | 'TCP';
  port: number;
  healthCheck: {
    /** HTTP(S) only. */
    path?: string;
    intervalSeconds: number;
    timeoutSeconds: number;
    healthyThreshold: number;
    unhealthyThreshold: number;
  };
  deregistrationDelaySeconds: number;
}

/** An Application or Network Load Balancer: one listener forwarding to the serving target group. */
export interface DesiredElbV2 {
  type: 'application' | 'network';
  listener: { protocol: 'HTTP' | 'HTTPS' | 'TCP' | 'TLS'; port: number; certificateArn?: string };
  targetGroup: DesiredTargetGroup;
}

export interface DesiredLoadBalancer {
  /** Classic ELB name, or the ALB/NLB name; defaults to the fleet name. At most 32 characters. */
  name: string;
  /** Set when `type` is application or network; the Classic fields below are then unused (listeners empty). */
  elbv2?: DesiredElbV2;
  listeners: Listener[];
  healthCheck: HealthCheck;
  connectionDrainingSeconds: number;
  crossZone: boolean;
  /** Seconds the ASG waits before trusting ELB health of a new instance. */
  healthCheckGracePeriodSeconds: number;
}

export interface DesiredStorage {
  efs: {
    name: string;
    mountPath: string;
    encrypted: boolean;
    performanceMode: 'generalPurpose' | 'maxIO';
  };
}

export interface ScalingRule {
  metric: 'CPUUtilization';
  /** Percent. */
  threshold: number;
  /** Evaluation periods. */
  periods: number;
  periodSeconds: number;
  /** Instances to add (positive) or remove (negative). */
  adjustment: number;
  cooldownSeconds: number;
}

export interface DesiredScaling {
  scaleOut: ScalingRule;
  scaleIn: ScalingRule;
}

/** One canary step: raise green's share of traffic to `setWeight` percent, or hold for `pauseSeconds`. */
export type CanaryStep = { setWeight: number } | { pauseSeconds: number };

/** `spec.deploy.canary`: the steps (ending at weight 100, implied when the manifest stops short) and what an abort does. */
export interface CanaryPolicy {
  steps: CanaryStep[];
  /** After an abort sends traffic back to blue: keep green (detached) for inspection, or delete it. */
  onAbort: 'keep' | 'delete';
  /** How often analysis runs during a pause. */
  analysisIntervalSeconds: number;
}

export interface DeployPolicy {
  strategy: 'blueGreen' | 'rolling' | 'canary';
  /** How long green may take to become fully InService. */
  healthyTimeoutSeconds: number;
  soakSeconds: number;
  /** How long the previous (blue) group is kept at 0 for a fast undo. */
  keepPreviousSeconds: number;
  /** Alarm names watched during soak; one firing rolls back. */
  rollbackOnAlarms: string[];
  /** Rolling strategy: minimum healthy percentage during the instance refresh. */
  minHealthyPercent: number;
  /** `spec.deploy.analysis`: metric checks gating a canary; absent on a canary means the built-in ones. */
  analysis?: AnalysisSpec;
  /** Canary strategy: its steps (present when strategy is `canary`). */
  canary?: CanaryPolicy;
}
