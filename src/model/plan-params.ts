/**
 * What each plan step carries: the parameters the planner fills in and the apply handler of
 * the same kind reads. JSON-only data (plans are printed with `plan -o json`).
 */
import type { DesiredStorage, HealthCheck, Listener } from './fleet';
import type { TargetGroupStepParams } from './plan-params-target-group';

// ---- load balancer

export interface CreateLoadBalancerParams {
  fleet: string;
  name: string;
  listeners: Listener[];
  subnets: string[];
  securityGroups: string[];
}

export interface ConfigureHealthCheckParams {
  name: string;
  healthCheck: HealthCheck;
}

export interface LoadBalancerAttributesParams {
  name: string;
  /** 0 turns connection draining off. */
  connectionDrainingSeconds: number;
  crossZone: boolean;
}

export interface CreateListenersParams {
  name: string;
  listeners: Listener[];
}

export interface DeleteListenersParams {
  name: string;
  ports: number[];
}

export interface RegisterInstancesParams {
  name: string;
  instanceIds: string[];
}

/** A resource addressed by name alone (load balancer, group, alarm). */
export interface NamedParams {
  name: string;
}

// ---- shared storage

export interface CreateSecurityGroupParams {
  fleet: string;
  name: string;
  description: string;
  /** The group is made in this subnet's VPC. */
  subnetId: string;
}

/** The group is found by name when the plan did not know its id yet (created by the same plan). */
export interface AuthorizeNfsParams {
  groupName?: string;
  groupId?: string;
  sourceGroups: string[];
}

export interface RevokeNfsParams {
  groupId: string;
  sourceGroups: string[];
}

export interface SecurityGroupIdParams {
  groupId: string;
}

export interface CreateFileSystemParams {
  fleet: string;
  name: string;
  creationToken: string;
  encrypted: boolean;
  performanceMode: DesiredStorage['efs']['performanceMode'];
}

export interface CreateMountTargetParams {
  creationToken: string;
  fileSystemId?: string;
  subnetId: string;
  securityGroupName: string;
  securityGroupId?: string;
}

export interface MountTargetIdParams {
  mountTargetId: string;
}

export interface FileSystemIdParams {
  fileSystemId: string;
}

// ---- launch template

/** Where the fleet's file system is mounted; `fileSystemId` is absent while the same plan creates it. */
export interface TemplateStorage {
  creationToken: string;
  mountPath: string;
  region: string;
  fileSystemId?: string;
}

export interface TemplateParams {
  fleet: string;
  name: string;
  imageId: string;
  instanceType: string;
  keyName?: string;
  securityGroups: string[];
  /**
   * The template's full user-data as the planner rendered it (plain text; the mount preamble
   * first when the fleet has shared storage). While `storage.fileSystemId` is unknown, the
   * preamble holds FILE_SYSTEM_ID_SLOT (model/user-data.ts), filled in when the step runs.
   */
  userData: string;
  storage?: TemplateStorage;
}

export interface TemplateVersionParams extends TemplateParams {
  launchTemplateId: string;
  /** The active group, repointed to the new version. */
  groupName?: string;
}

export interface LaunchTemplateIdParams {
  launchTemplateId: string;
}

// ---- Auto Scaling group and its lifecycle hooks

/** A lifecycle hook as drover wants it on a group. */
export interface HookSpec {
  name: string;
  transition: 'launching' | 'terminating';
  heartbeatTimeoutSeconds: number;
  defaultResult: 'CONTINUE' | 'ABANDON';
}

export interface CreateGroupParams {
  fleet: string;
  name: string;
  generation: number;
  launchTemplateName: string;
  min: number;
  max: number;
  desired: number;
  subnets: string[];
  loadBalancerName: string;
  /** On an ALB/NLB: the target group the group attaches to (instead of the Classic ELB). */
  targetGroupName?: string;
  healthCheckGracePeriodSeconds: number;
  /** The group waits until this file system and its mount targets are available. */
  fileSystemToken?: string;
  /** Created with the group (daemon mode), so its first instance is already held by them. */
  lifecycleHooks?: HookSpec[];
}

/** Only the fields that drift are set. */
export interface UpdateGroupParams {
  name: string;
  min?: number;
  max?: number;
  desired?: number;
  subnets?: string[];
  healthCheckType?: 'EC2' | 'ELB';
  healthCheckGracePeriodSeconds?: number;
}

export interface AttachLoadBalancerParams {
  groupName: string;
  loadBalancerName: string;
}

export interface PutHookParams extends HookSpec {
  groupName: string;
}

/** A lifecycle hook or scaling policy of a group. */
export interface GroupMemberParams {
  groupName: string;
  name: string;
}

// ---- scaling

export interface PutScalingPolicyParams {
  groupName: string;
  name: string;
  adjustment: number;
  cooldownSeconds: number;
}

export interface AlarmParams {
  fleet: string;
  name: string;
  groupName: string;
  policyName: string;
  /** Looked up by policy name when the same plan puts the policy. */
  policyArn?: string;
  metric: string;
  namespace: string;
  statistic: string;
  comparison: string;
  threshold: number;
  periods: number;
  periodSeconds: number;
}

// ---- images

export interface DeregisterImageParams {
  imageId: string;
  imageName: string;
  snapshotIds: string[];
}

// ---- report-only steps

export interface StartDeploymentParams {
  fleet: string;
  fromAmi: string;
  toAmi: string;
  /** The group serving now; the deployment replaces it. */
  group: string;
  generation: number;
  launchTemplateId: string;
}

export interface NameTakenParams {
  /** Human name of the resource type: `load balancer`, `launch template`. */
  resourceType: string;
  name: string;
}

/** Each step kind and its parameters. `kind` is a camelCase verb phrase. */
export interface PlanStepParams extends TargetGroupStepParams {
  // load balancer
  createLoadBalancer: CreateLoadBalancerParams;
  configureHealthCheck: ConfigureHealthCheckParams;
  modifyLoadBalancerAttributes: LoadBalancerAttributesParams;
  createLoadBalancerListeners: CreateListenersParams;
  deleteLoadBalancerListeners: DeleteListenersParams;
  registerInstances: RegisterInstancesParams;
  deleteLoadBalancer: NamedParams;
  // shared storage
  createSecurityGroup: CreateSecurityGroupParams;
  authorizeNfsIngress: AuthorizeNfsParams;
  revokeNfsIngress: RevokeNfsParams;
  deleteSecurityGroup: SecurityGroupIdParams;
  createFileSystem: CreateFileSystemParams;
  createMountTarget: CreateMountTargetParams;
  deleteMountTarget: MountTargetIdParams;
  deleteFileSystem: FileSystemIdParams;
  // launch template and group
  createLaunchTemplate: TemplateParams;
  createLaunchTemplateVersion: TemplateVersionParams;
  deleteLaunchTemplate: LaunchTemplateIdParams;
  createAutoScalingGroup: CreateGroupParams;
  updateAutoScalingGroup: UpdateGroupParams;
  attachLoadBalancer: AttachLoadBalancerParams;
  deleteAutoScalingGroup: NamedParams;
  putLifecycleHook: PutHookParams;
  deleteLifecycleHook: GroupMemberParams;
  // scaling
  putScalingPolicy: PutScalingPolicyParams;
  deleteScalingPolicy: GroupMemberParams;
  putMetricAlarm: AlarmParams;
  deleteAlarm: NamedParams;
  // images
  deregisterImage: DeregisterImageParams;
  // not executed in place
  startDeployment: StartDeploymentParams;
  nameTaken: NameTakenParams;
}
