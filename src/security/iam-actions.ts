/**
 * IAM action names for drover's AWS surface. Every command in `aws/commands.ts` maps to
 * exactly one IAM action; a few more actions are needed because AWS authorizes them
 * implicitly on drover's behalf. Those are listed, with the reason, in IMPLICIT_ACTIONS.
 *
 * For these six services the IAM action name is the API operation name under the service's
 * IAM prefix (checked against the Service Authorization Reference): EFS `DescribeFileSystems`
 * is `elasticfilesystem:DescribeFileSystems`, CloudWatch `ListTagsForResource` is
 * `cloudwatch:ListTagsForResource`, Classic ELB and ELBv2 operations are both `elasticloadbalancing:<Op>`
 * (so CreateLoadBalancer, DescribeTags, ... of the two APIs are one IAM action).
 * Only the prefixes differ from the SDK client names (EFS, AutoScaling, ...).
 */
import { COMMANDS, ServiceName, allCommands, isReadOnlyCommand } from '../aws/commands';
import { DroverError } from '../util/errors';

export const IAM_PREFIX: Record<ServiceName, string> = {
  EC2: 'ec2',
  AutoScaling: 'autoscaling',
  ElasticLoadBalancing: 'elasticloadbalancing',
  ElasticLoadBalancingV2: 'elasticloadbalancing',
  CloudWatch: 'cloudwatch',
  EFS: 'elasticfilesystem',
  SQS: 'sqs',
};

/**
 * SQS batch operations have no IAM action of their own: the single action authorizes them
 * (SQS Developer Guide, "Amazon SQS batch actions"). `sqs:DeleteMessageBatch` would be invalid.
 */
const AUTHORIZED_AS: Record<string, string> = {
  DeleteMessageBatch: 'DeleteMessage',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
  SendMessageBatch: 'SendMessage',
};

/** `iamActionFor('EFS', 'DescribeFileSystems')` → `elasticfilesystem:DescribeFileSystems`. */
export function iamActionFor(service: ServiceName, operation: string): string {
  const action = service === 'SQS' ? (AUTHORIZED_AS[operation] ?? operation) : operation;
  return `${IAM_PREFIX[service]}:${action}`;
}

/** The IAM action for each COMMANDS entry, in COMMANDS order, each once. */
export function commandActions(): string[] {
  return [...new Set(allCommands().map(({ service, operation }) => iamActionFor(service, operation)))];
}

/** Shorthand for the IAM actions of some of a service's commands; throws on a name not in COMMANDS. */
export function actionsOf(service: ServiceName, operations: readonly string[]): string[] {
  const known: readonly string[] = COMMANDS[service];
  const actions = operations.map((op) => {
    if (!known.includes(op)) {
      throw new DroverError(`building the iam policy: ${service} ${op} is not in COMMANDS`, { code: 'UnknownCommand', source: 'controller' });
    }
    return iamActionFor(service, op);
  });
  return [...new Set(actions)];
}

/** A service's mutating COMMANDS entries, in COMMANDS order, minus `except` (granted in their own statement). */
export function mutatingOperations(service: ServiceName, except: readonly string[] = []): string[] {
  return COMMANDS[service].filter((op) => !isReadOnlyCommand(op) && !except.includes(op));
}

export interface ImplicitAction {
  action: string;
  reason: string;
}

/**
 * Actions drover never sends itself but AWS checks against drover's credentials.
 *
 * Not here, on purpose: `iam:PassRole`. v1alpha1 launch templates carry no instance profile,
 * so nothing is passed; once a manifest can name one, add `iam:PassRole` on that role only,
 * conditioned on `iam:PassedToService = ec2.amazonaws.com`.
 */
export const IMPLICIT_ACTIONS: readonly ImplicitAction[] = [
  {
    action: 'iam:CreateServiceLinkedRole',
    reason:
      'the first CreateAutoScalingGroup, CreateLoadBalancer and CreateMountTarget in an account create the service-linked roles of Auto Scaling, Elastic Load Balancing and EFS',
  },
  { action: 'elasticfilesystem:TagResource', reason: 'CreateFileSystem with Tags is also authorized as TagResource (tag on create)' },
  { action: 'ec2:CreateNetworkInterface', reason: 'CreateMountTarget creates the mount target network interface with the caller\'s permissions' },
  { action: 'ec2:DescribeNetworkInterfaces', reason: 'CreateMountTarget requires it of the caller' },
  { action: 'ec2:DeleteNetworkInterface', reason: 'DeleteMountTarget deletes the mount target network interface with the caller\'s permissions' },
];

/** The service-linked roles drover's create calls may bring into being. */
export const SERVICE_LINKED_ROLES: ReadonlyArray<{ service: string; role: string }> = [
  { service: 'autoscaling.amazonaws.com', role: 'AWSServiceRoleForAutoScaling' },
  { service: 'elasticloadbalancing.amazonaws.com', role: 'AWSServiceRoleForElasticLoadBalancing' },
  { service: 'elasticfilesystem.amazonaws.com', role: 'AWSServiceRoleForAmazonElasticFileSystem' },
];
