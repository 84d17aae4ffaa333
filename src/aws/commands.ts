/**
 * Every AWS command drover sends, by service. This is drover's whole AWS surface: the
 * simulated account implements exactly this list (a test checks both directions), and
 * `drover iam-policy` derives the IAM actions from it.
 *
 * Keys are the SDK client names (`context.clientName` without `Client`); values are
 * operation names (`context.commandName` without `Command`).
 */
export const COMMANDS = {
  EC2: [
    'DescribeSubnets',
    'DescribeSecurityGroups',
    'CreateSecurityGroup',
    'AuthorizeSecurityGroupIngress',
    'RevokeSecurityGroupIngress',
    'DeleteSecurityGroup',
    'DescribeLaunchTemplates',
    'DescribeLaunchTemplateVersions',
    'CreateLaunchTemplate',
    'CreateLaunchTemplateVersion',
    'ModifyLaunchTemplate',
    'DeleteLaunchTemplate',
    'DeleteLaunchTemplateVersions',
    'DescribeInstances',
    'RunInstances',
    'TerminateInstances',
    'GetConsoleOutput',
    'CreateImage',
    'DescribeImages',
    'DeregisterImage',
    'CreateTags',
    'DeleteSnapshot',
  ],
  AutoScaling: [
    'DescribeAutoScalingGroups',
    'CreateAutoScalingGroup',
    'UpdateAutoScalingGroup',
    'DeleteAutoScalingGroup',
    'SetDesiredCapacity',
    'AttachLoadBalancers',
    'DetachLoadBalancers',
    'SuspendProcesses',
    'ResumeProcesses',
    'CreateOrUpdateTags',
    'PutScalingPolicy',
    'DescribePolicies',
    'DeletePolicy',
    'PutLifecycleHook',
    'DescribeLifecycleHooks',
    'DeleteLifecycleHook',
    'CompleteLifecycleAction',
    'RecordLifecycleActionHeartbeat',
    'StartInstanceRefresh',
    'DescribeInstanceRefreshes',
    'DescribeScalingActivities',
    'AttachLoadBalancerTargetGroups',
    'DetachLoadBalancerTargetGroups',
    'DescribeLoadBalancerTargetGroups',
  ],
  ElasticLoadBalancing: [
    'CreateLoadBalancer',
    'DescribeLoadBalancers',
    'DeleteLoadBalancer',
    'DescribeTags',
    'AddTags',
    'ConfigureHealthCheck',
    'DescribeLoadBalancerAttributes',
    'ModifyLoadBalancerAttributes',
    'CreateLoadBalancerListeners',
    'DeleteLoadBalancerListeners',
    'DescribeInstanceHealth',
    'RegisterInstancesWithLoadBalancer',
    'DeregisterInstancesFromLoadBalancer',
  ],
  ElasticLoadBalancingV2: [
    'CreateLoadBalancer',
    'DescribeLoadBalancers',
    'DeleteLoadBalancer',
    'CreateTargetGroup',
    'DescribeTargetGroups',
    'ModifyTargetGroup',
    'ModifyTargetGroupAttributes',
    'DescribeTargetGroupAttributes',
    'DeleteTargetGroup',
    'RegisterTargets',
    'DeregisterTargets',
    'DescribeTargetHealth',
    'CreateListener',
    'DescribeListeners',
    'ModifyListener',
    'DeleteListener',
    'AddTags',
    'DescribeTags',
  ],
  CloudWatch: ['PutMetricAlarm', 'DescribeAlarms', 'DeleteAlarms', 'ListTagsForResource', 'TagResource', 'GetMetricData', 'GetMetricStatistics'],
  EFS: [
    'CreateFileSystem',
    'DescribeFileSystems',
    'DeleteFileSystem',
    'CreateMountTarget',
    'DescribeMountTargets',
    'DeleteMountTarget',
  ],
  SQS: [
    'CreateQueue',
    'GetQueueUrl',
    'GetQueueAttributes',
    'SetQueueAttributes',
    'SendMessage',
    'ReceiveMessage',
    'DeleteMessage',
    'ChangeMessageVisibility',
    'DeleteMessageBatch',
  ],
} as const;

export type ServiceName = keyof typeof COMMANDS;

/** Commands that only read. Everything else counts as mutating in `calls`. */
export function isReadOnlyCommand(operation: string): boolean {
  return /^(Describe|Get|List)/.test(operation) || operation === 'ReceiveMessage';
}

export function allCommands(): Array<{ service: ServiceName; operation: string }> {
  return (Object.keys(COMMANDS) as ServiceName[]).flatMap((service) =>
    COMMANDS[service].map((operation) => ({ service, operation })),
  );
}
