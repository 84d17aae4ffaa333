/** How long asynchronous AWS behaviour takes in the simulated account (virtual milliseconds). */
export interface SimTimings {
  /** RunInstances / ASG launch: pending -> running. */
  bootMs: number;
  /** shutting-down -> terminated. */
  terminateMs: number;
  /** stopping -> stopped. */
  stopMs: number;
  /** CreateImage: pending -> available. */
  imageCreateMs: number;
  /** CreateFileSystem: creating -> available. */
  efsCreateMs: number;
  /** CreateMountTarget: creating -> available. */
  mountTargetCreateMs: number;
  /** DeleteMountTarget: deleting -> gone. */
  mountTargetDeleteMs: number;
  /** A bake builder's boot before its build starts. */
  builderBootMs: number;
  /** A bake build's duration when setBuildResult gives none. */
  defaultBuildMs: number;
  /** Wait before Auto Scaling retries a failed launch. */
  launchRetryMs: number;
  /** How long terminated instances stay visible in DescribeInstances. */
  terminatedVisibleMs: number;
  /** Largest internal lifecycle step (a safety net; due events are processed exactly). */
  maxStepMs: number;
  /** Average CPU percent an instance reports without load. */
  idleCpu: number;
  /** CreateLoadBalancer (ELBv2): provisioning -> active. */
  elbv2ProvisionMs: number;
  /** Requests per second every load balancer gets without load (the traffic model behind CloudWatch metrics). */
  baselineRequestRate: number;
  /** Extra requests per second per instance-percent of load (`setLoad`). */
  requestRatePerLoad: number;
  /** Mean response time of an idle instance; it grows with the instance's CPU. */
  baseLatencyMs: number;
  /** How long per-minute metric datapoints are kept. */
  metricRetentionMs: number;
  /** ELB health checks also fail when the mount target's security groups do not allow NFS from the instance. */
  requireNfsIngress: boolean;
  /**
   * Settle only at due events (and every maxStepMs): a clock move that reaches no due event, with
   * nothing changed since the last settle, costs nothing. Off by default; the scale bench turns it
   * on (a rate-limited pass moves the clock once per token, and each settle scans every fleet).
   */
  skipQuietSteps?: boolean;
}

export const DEFAULT_TIMINGS: SimTimings = {
  bootMs: 45_000,
  terminateMs: 30_000,
  stopMs: 15_000,
  imageCreateMs: 60_000,
  efsCreateMs: 20_000,
  mountTargetCreateMs: 60_000,
  mountTargetDeleteMs: 30_000,
  builderBootMs: 45_000,
  defaultBuildMs: 240_000,
  launchRetryMs: 10_000,
  terminatedVisibleMs: 3_600_000,
  maxStepMs: 60_000,
  idleCpu: 2,
  requireNfsIngress: true,
  elbv2ProvisionMs: 90_000,
  baselineRequestRate: 20,
  requestRatePerLoad: 1,
  baseLatencyMs: 80,
  metricRetentionMs: 3_600_000,
};
