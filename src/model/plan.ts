/**
 * The planner's output: ordered steps, each printable. `apply` executes them in order.
 * `kind` is a camelCase verb phrase. `resource` is `<type>/<name>`.
 */

export type PlanStepKind =
  // load balancer
  | 'createLoadBalancer'
  | 'configureHealthCheck'
  | 'modifyLoadBalancerAttributes'
  | 'createLoadBalancerListeners'
  | 'deleteLoadBalancerListeners'
  | 'registerInstances'
  | 'deleteLoadBalancer'
  // shared storage
  | 'createSecurityGroup'
  | 'authorizeNfsIngress'
  | 'revokeNfsIngress'
  | 'deleteSecurityGroup'
  | 'createFileSystem'
  | 'createMountTarget'
  | 'deleteMountTarget'
  | 'deleteFileSystem'
  // launch template and group
  | 'createLaunchTemplate'
  | 'createLaunchTemplateVersion'
  | 'deleteLaunchTemplate'
  | 'createAutoScalingGroup'
  | 'updateAutoScalingGroup'
  | 'attachLoadBalancer'
  | 'deleteAutoScalingGroup'
  | 'putLifecycleHook'
  | 'deleteLifecycleHook'
  // scaling
  | 'putScalingPolicy'
  | 'deleteScalingPolicy'
  | 'putMetricAlarm'
  | 'deleteAlarm'
  // images
  | 'deregisterImage'
  // not executed in place
  | 'startDeployment'
  | 'nameTaken';

export interface PlanStep {
  kind: PlanStepKind;
  /** `<type>/<name>`, e.g. `loadBalancer/magento-marketplace`, `alarm/magento-marketplace-scale-out`. */
  resource: string;
  /** Why this step is needed, for humans: `max size is 12, manifest says 10`. */
  reason: string;
  /** What the step needs to run; JSON-only. Shape depends on `kind`. */
  params: Record<string, unknown>;
}

export interface Plan {
  fleet: string;
  steps: PlanStep[];
  /** One-line facts about what the plan leaves alone on purpose (`2 baked images kept; …`). */
  notes?: string[];
}

/** Steps that do not mutate AWS when applied: they are reported instead. */
export function isReportOnly(step: PlanStep): boolean {
  return step.kind === 'startDeployment' || step.kind === 'nameTaken';
}
