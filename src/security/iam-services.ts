/**
 * Auto Scaling, Classic ELB, CloudWatch, EFS, SQS and IAM statements of the daemon policy,
 * plus the one read-only statement. Creation requires the ownership tag on the request;
 * changes require it on the resource. CloudWatch DeleteAlarms and SQS take no tag condition
 * drover can rely on, so they are limited to the fleets' alarm and queue ARNs instead.
 */
import { COMMANDS, ServiceName, isReadOnlyCommand } from '../aws/commands';
import { SERVICE_LINKED_ROLES, actionsOf, iamActionFor, mutatingOperations } from './iam-actions';
import { PolicyScope, alarmArns, fileSystemArns, groupArns, listenerArns, loadBalancerArns, queueArns, serviceLinkedRoleArn, targetGroupArns } from './iam-scope';
import { PolicyStatement, REQUEST_TAGGED, RESOURCE_TAGGED, allOf, allow } from './iam-statement';

/** Reads granted in a narrower statement: builder console output and the event queue. */
const SCOPED_READS = new Set([
  'EC2:GetConsoleOutput',
  ...COMMANDS.SQS.filter(isReadOnlyCommand).map((op) => `SQS:${op}`),
]);

/** Describe/Get/List actions that AWS authorizes only on `*`, plus the implicit EC2 describe. */
export function readOnlyStatement(): PolicyStatement {
  const reads = (Object.keys(COMMANDS) as ServiceName[]).flatMap((service) =>
    COMMANDS[service]
      .filter((op) => isReadOnlyCommand(op) && !SCOPED_READS.has(`${service}:${op}`))
      .map((op) => iamActionFor(service, op)),
  );
  return allow('ReadOnlyDescribe', [...reads, 'ec2:DescribeNetworkInterfaces'], '*');
}

export function autoScalingStatements(s: PolicyScope): PolicyStatement[] {
  const as = (ops: string[]) => actionsOf('AutoScaling', ops);
  return [
    // Tags given to CreateAutoScalingGroup are also authorized as CreateOrUpdateTags.
    allow('AutoScalingCreateTaggedGroups', as(['CreateAutoScalingGroup', 'CreateOrUpdateTags']), groupArns(s), REQUEST_TAGGED),
    // Every other mutating Auto Scaling command, on drover's groups only.
    allow(
      'AutoScalingManageDroverGroups',
      as(mutatingOperations('AutoScaling', ['CreateAutoScalingGroup'])),
      groupArns(s),
      RESOURCE_TAGGED,
    ),
  ];
}

/**
 * Classic ELB and ELBv2 share their IAM actions (`elasticloadbalancing:CreateLoadBalancer` is
 * both), so one statement covers both kinds of load balancer (and target groups); the policy
 * stays under IAM's inline size limit. Listeners are scoped by their load balancer's name:
 * drover does not rely on listener tags.
 */
export function loadBalancerStatements(s: PolicyScope): PolicyStatement[] {
  const elb = (ops: string[]) => actionsOf('ElasticLoadBalancing', ops);
  const v2 = (ops: string[]) => actionsOf('ElasticLoadBalancingV2', ops);
  const arns = [...loadBalancerArns(s), ...targetGroupArns(s)];
  return [
    allow('ElbCreateTaggedLoadBalancers', [...new Set([...elb(['CreateLoadBalancer', 'AddTags']), ...v2(['CreateTargetGroup'])])], arns, REQUEST_TAGGED),
    allow(
      'ElbManageDroverLoadBalancers',
      [
        ...elb(mutatingOperations('ElasticLoadBalancing', ['CreateLoadBalancer'])),
        ...v2(['CreateListener', 'ModifyTargetGroup', 'ModifyTargetGroupAttributes', 'DeleteTargetGroup', 'RegisterTargets', 'DeregisterTargets']),
      ],
      arns,
      RESOURCE_TAGGED,
    ),
    allow('ElbManageFleetListeners', v2(['ModifyListener', 'DeleteListener']), listenerArns(s)),
  ];
}

export function cloudWatchStatements(s: PolicyScope): PolicyStatement[] {
  const cw = (ops: string[]) => actionsOf('CloudWatch', ops);
  // Alarm actions may only be Auto Scaling policies: an alarm that could stop or terminate
  // arbitrary instances (arn:aws:automate:...) would widen drover's reach.
  const onlyScalingActions = { 'ForAllValues:StringLike': { 'cloudwatch:AlarmActions': 'arn:aws:autoscaling:*' } };
  return [
    allow('CloudWatchPutTaggedScalingAlarms', cw(['PutMetricAlarm']), alarmArns(s), allOf(REQUEST_TAGGED, onlyScalingActions)),
    allow('CloudWatchTagAlarms', cw(['TagResource']), alarmArns(s), REQUEST_TAGGED),
    // DeleteAlarms is limited by alarm name (`<fleet>-*`) rather than a tag condition.
    allow('CloudWatchDeleteFleetAlarms', cw(['DeleteAlarms']), alarmArns(s)),
  ];
}

export function fileSystemStatements(s: PolicyScope): PolicyStatement[] {
  const efs = (ops: string[]) => actionsOf('EFS', ops);
  return [
    allow('EfsCreateTaggedFileSystems', efs(['CreateFileSystem']), fileSystemArns(s), REQUEST_TAGGED),
    allow('EfsTagOnlyWhileCreating', ['elasticfilesystem:TagResource'], fileSystemArns(s), {
      StringEquals: { 'elasticfilesystem:CreateAction': 'CreateFileSystem' },
    }),
    allow('EfsManageDroverFileSystems', efs(['DeleteFileSystem', 'CreateMountTarget', 'DeleteMountTarget']), fileSystemArns(s), RESOURCE_TAGGED),
  ];
}

export function eventQueueStatement(s: PolicyScope): PolicyStatement {
  return allow('SqsEventQueueAndDeadLetters', actionsOf('SQS', [...COMMANDS.SQS]), queueArns(s));
}

export function serviceLinkedRoleStatement(s: PolicyScope): PolicyStatement {
  return allow(
    'CreateServiceLinkedRolesOnFirstUse',
    ['iam:CreateServiceLinkedRole'],
    SERVICE_LINKED_ROLES.map((r) => serviceLinkedRoleArn(s, r.service, `${r.role}*`)),
    { StringEquals: { 'iam:AWSServiceName': SERVICE_LINKED_ROLES.map((r) => r.service) } },
  );
}

