/**
 * What the cloud adapter saw of one fleet. Translated from SDK shapes inside cloud/;
 * nothing here is an SDK type. `owned` is decided by tags only.
 */

export type Tags = Record<string, string>;

/*
 * AWS reports states as text. Each is parsed once, where it is observed (src/providers), into
 * one of these types; nothing outside providers and the sim matches AWS's status text.
 */

/** An Auto Scaling group's lifecycle: AWS's `Status` is set only while it deletes the group ("Delete in progress"). */
export type GroupLifecycle = 'active' | 'deleting';

/** Where an instance is in its group, from Auto Scaling's LifecycleState (Pending:Wait is pending, Terminating:Proceed terminating, Standby and Detaching are other). */
export type InstanceLifecycle = 'pending' | 'inService' | 'terminating' | 'terminated' | 'other';

/** An EC2 instance's State.Name. */
export type InstanceState = 'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated';

/** An EFS file system's or mount target's LifeCycleState; an unknown or missing one is error. */
export type StorageLifecycle = 'creating' | 'available' | 'updating' | 'deleting' | 'deleted' | 'error';

/** An image's state, from EC2's State: failed covers failed, invalid, error and deregistered; missing when EC2 no longer lists it. */
export type ImageState = 'pending' | 'available' | 'failed' | 'missing';

export interface ObservedFleet {
  name: string;
  loadBalancer?: ObservedLoadBalancer;
  /** The ALB/NLB, its listener and target groups, for a fleet whose manifest names one. */
  elbv2?: ObservedElbV2;
  launchTemplate?: ObservedLaunchTemplate;
  /** All Auto Scaling groups tagged for this fleet (more than one during a blue/green swap). */
  groups: ObservedGroup[];
  fileSystem?: ObservedFileSystem;
  /** The security group drover owns for the EFS mount targets. */
  efsSecurityGroup?: ObservedSecurityGroup;
  alarms: ObservedAlarm[];
  policies: ObservedPolicy[];
  /** Resources that have a name drover wants but lack drover's ownership tags. */
  conflicts: NameConflict[];
  /** Read calls this observation made (for `calls.read` and benchmarks). */
  readCalls: number;
  /** Served from a resync batch (up to its TTL old); converge looks again before acting on it. */
  fromBatch?: boolean;
  /** Availability zone of each desired subnet (mount targets are one per zone). */
  subnetZones?: Record<string, string>;
  /** The observer reads lifecycle hooks (a daemon answers them): groups drover creates carry them from birth. */
  lifecycleHooksManaged?: boolean;
  /** Images drover baked for this fleet (by ownership tags); undefined when not observed. */
  images?: ObservedImage[];
}

export interface ObservedImage {
  id: string;
  name: string;
  state: ImageState;
  /** ISO-8601 creation time. */
  createdAt: string;
  snapshotIds: string[];
  tags: Tags;
  /** What refers to it (`instance/i-…`, `launchTemplateVersion/3`); read only when retention could expire images. */
  usedBy?: string[];
}

export interface NameConflict {
  resourceType: 'loadBalancer' | 'launchTemplate' | 'autoScalingGroup' | 'securityGroup' | 'fileSystem' | 'alarm' | 'policy';
  name: string;
}

export interface ObservedLoadBalancer {
  name: string;
  dnsName: string;
  tags: Tags;
  listeners: Array<{ protocol: string; port: number; instanceProtocol: string; instancePort: number; sslCertificateId?: string }>;
  subnets: string[];
  securityGroups: string[];
  healthCheck: { target: string; intervalSeconds: number; timeoutSeconds: number; healthyThreshold: number; unhealthyThreshold: number };
  connectionDrainingEnabled: boolean;
  connectionDrainingSeconds: number;
  crossZone: boolean;
  /** Instances registered with the ELB, and their health. */
  instances: Array<{ id: string; state: 'InService' | 'OutOfService' | 'Unknown'; reasonCode?: string; description?: string }>;
}

export interface ObservedLaunchTemplate {
  id: string;
  name: string;
  tags: Tags;
  defaultVersion: number;
  latestVersion: number;
  /** Data of the default version (the one drover keeps current). */
  imageId: string;
  instanceType: string;
  keyName?: string;
  securityGroups: string[];
  /** Base64-decoded user-data of the default version. */
  userData: string;
  /** AMI of the default version and of every version a group pins: version number -> image id. */
  versionImages?: Record<string, string>;
}

export interface ObservedGroup {
  name: string;
  tags: Tags;
  /** Generation number from the `drover:generation` tag (1 for `<fleet>-v001`). */
  generation: number;
  launchTemplate?: { id: string; version: string };
  min: number;
  max: number;
  desired: number;
  subnets: string[];
  loadBalancerNames: string[];
  /** ELBv2 target groups the group is attached to (ALB/NLB fleets); absent when none. */
  targetGroupArns?: string[];
  healthCheckType: 'EC2' | 'ELB';
  healthCheckGracePeriodSeconds: number;
  suspendedProcesses: string[];
  instances: Array<{
    id: string;
    lifecycle: InstanceLifecycle;
    /** AWS's LifecycleState text (InService, Pending:Wait, ...), for display only: decide on `lifecycle`. */
    lifecycleState: string;
    healthStatus: 'Healthy' | 'Unhealthy';
    availabilityZone: string;
    launchTemplateVersion?: string;
    /** EC2's LaunchTime (ISO), when read: Auto Scaling does not report it. */
    launchedAt?: string;
  }>;
  createdTime: string;
  lifecycle: GroupLifecycle;
  /** Lifecycle hooks; undefined when not observed (drover manages hooks only when asked to). */
  lifecycleHooks?: ObservedLifecycleHook[];
  /** Why launches fail (AWS's scaling activity text), when the group is short and waiting will not help. */
  launchFailure?: string;
}

export interface ObservedLifecycleHook {
  name: string;
  transition: 'launching' | 'terminating';
  heartbeatTimeoutSeconds: number;
  defaultResult: 'CONTINUE' | 'ABANDON';
  /** Set when the hook notifies an SQS/SNS target directly instead of EventBridge. */
  notificationTargetArn?: string;
}

export interface ObservedFileSystem {
  id: string;
  arn: string;
  name: string;
  creationToken: string;
  lifeCycleState: StorageLifecycle;
  encrypted: boolean;
  performanceMode: string;
  tags: Tags;
  mountTargets: Array<{ id: string; subnetId: string; lifeCycleState: StorageLifecycle; ipAddress?: string; availabilityZone?: string }>;
}

export interface ObservedSecurityGroup {
  id: string;
  name: string;
  vpcId?: string;
  tags: Tags;
  /** Source security-group ids allowed on TCP 2049. */
  nfsIngressFrom: string[];
}

export interface ObservedAlarm {
  name: string;
  arn: string;
  tags: Tags;
  metric: string;
  namespace: string;
  comparison: string;
  threshold: number;
  periods: number;
  periodSeconds: number;
  statistic: string;
  dimensions: Record<string, string>;
  actions: string[];
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  stateReason?: string;
}

export interface ObservedPolicy {
  name: string;
  arn: string;
  groupName: string;
  adjustment: number;
  adjustmentType: string;
  cooldownSeconds: number;
}

/** An ELBv2 target's health (TargetHealth.State). */
export type TargetHealthState = 'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining' | 'unavailable';

export interface ObservedTargetGroup {
  name: string;
  arn: string;
  protocol: string;
  port: number;
  tags: Tags;
  healthCheck: { path?: string; intervalSeconds: number; timeoutSeconds: number; healthyThreshold: number; unhealthyThreshold: number };
  deregistrationDelaySeconds: number;
  targets: Array<{ id: string; state: TargetHealthState }>;
}

export interface ObservedElbV2 {
  name: string;
  arn: string;
  type: string;
  dnsName: string;
  tags: Tags;
  /** The listener drover owns (the load balancer's first), with its forward weights by target group name. */
  listener?: {
    arn: string; protocol: string; port: number; certificateArn?: string; forward: Array<{ targetGroupName: string; weight: number }>;
    /** Read only when deleting the fleet: a listener not tagged for it is the user's and stays. */
    tags?: Tags;
  };
  /** drover's target groups of this fleet, by ownership tag. */
  targetGroups: ObservedTargetGroup[];
  /**
   * Set only when deleting: the load balancer is missing (`arn` is empty) or not the fleet's
   * (someone else's ALB in front of drover's target groups); it is observed for what hangs off it.
   */
  notOwned?: 'missing' | 'foreign';
}
