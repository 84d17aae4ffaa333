/** Every operation the simulated account models, by service (must equal aws/commands.ts). */
import { DESCRIBE_HANDLERS } from './autoscaling/describe';
import { GROUP_HANDLERS } from './autoscaling/groups';
import { HOOK_HANDLERS } from './autoscaling/hooks';
import { POLICY_HANDLERS } from './autoscaling/policies';
import { REFRESH_HANDLERS } from './autoscaling/refresh';
import { CLOUDWATCH_HANDLERS } from './cloudwatch/alarms';
import { IMAGE_HANDLERS } from './ec2/images';
import { INSTANCE_HANDLERS } from './ec2/instances';
import { LAUNCH_TEMPLATE_HANDLERS } from './ec2/launch-templates';
import { NETWORK_HANDLERS } from './ec2/network';
import { EFS_HANDLERS } from './efs/file-systems';
import { ELB_CONFIG_HANDLERS } from './elb/config';
import { LOAD_BALANCER_HANDLERS } from './elb/load-balancers';
import { REGISTRATION_HANDLERS } from './elb/registration';
import { SimService } from './errors';
import { HandlerMap } from './handler';
import { MESSAGE_HANDLERS } from './sqs/messages';
import { QUEUE_HANDLERS } from './sqs/queues';

export const ROUTES: Record<SimService, HandlerMap> = {
  EC2: { ...NETWORK_HANDLERS, ...LAUNCH_TEMPLATE_HANDLERS, ...INSTANCE_HANDLERS, ...IMAGE_HANDLERS },
  AutoScaling: { ...GROUP_HANDLERS, ...DESCRIBE_HANDLERS, ...POLICY_HANDLERS, ...HOOK_HANDLERS, ...REFRESH_HANDLERS },
  ElasticLoadBalancing: { ...LOAD_BALANCER_HANDLERS, ...ELB_CONFIG_HANDLERS, ...REGISTRATION_HANDLERS },
  CloudWatch: CLOUDWATCH_HANDLERS,
  EFS: EFS_HANDLERS,
  SQS: { ...QUEUE_HANDLERS, ...MESSAGE_HANDLERS },
};

/** Read-only operations do not trigger a lifecycle pass after they run. */
export function isReadOnly(operation: string): boolean {
  return /^(Describe|Get|List)/.test(operation);
}
