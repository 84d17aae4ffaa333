/** Every operation the simulated account models, by service (must equal aws/commands.ts). */
import { DESCRIBE_HANDLERS } from './autoscaling/describe';
import { GROUP_HANDLERS } from './autoscaling/groups';
import { HOOK_HANDLERS } from './autoscaling/hooks';
import { POLICY_HANDLERS } from './autoscaling/policies';
import { REFRESH_HANDLERS } from './autoscaling/refresh';
import { TARGET_GROUP_ASG_HANDLERS } from './autoscaling/target-groups';
import { CLOUDWATCH_HANDLERS } from './cloudwatch/alarms';
import { METRIC_HANDLERS } from './cloudwatch/metrics';
import { IMAGE_HANDLERS } from './ec2/images';
import { INSTANCE_HANDLERS } from './ec2/instances';
import { LAUNCH_TEMPLATE_HANDLERS } from './ec2/launch-templates';
import { NETWORK_HANDLERS } from './ec2/network';
import { EFS_HANDLERS } from './efs/file-systems';
import { ELB_CONFIG_HANDLERS } from './elb/config';
import { LOAD_BALANCER_HANDLERS } from './elb/load-balancers';
import { REGISTRATION_HANDLERS } from './elb/registration';
import { LISTENER_HANDLERS } from './elbv2/listeners';
import { V2_LOAD_BALANCER_HANDLERS } from './elbv2/load-balancers';
import { TARGET_GROUP_HANDLERS } from './elbv2/target-groups';
import { TARGET_HANDLERS } from './elbv2/targets';
import { SimService } from './errors';
import { HandlerMap } from './handler';
import { MESSAGE_HANDLERS } from './sqs/messages';
import { QUEUE_HANDLERS } from './sqs/queues';

export const ROUTES: Record<SimService, HandlerMap> = {
  EC2: { ...NETWORK_HANDLERS, ...LAUNCH_TEMPLATE_HANDLERS, ...INSTANCE_HANDLERS, ...IMAGE_HANDLERS },
  AutoScaling: { ...GROUP_HANDLERS, ...DESCRIBE_HANDLERS, ...POLICY_HANDLERS, ...HOOK_HANDLERS, ...REFRESH_HANDLERS, ...TARGET_GROUP_ASG_HANDLERS },
  ElasticLoadBalancing: { ...LOAD_BALANCER_HANDLERS, ...ELB_CONFIG_HANDLERS, ...REGISTRATION_HANDLERS },
  ElasticLoadBalancingV2: { ...V2_LOAD_BALANCER_HANDLERS, ...TARGET_GROUP_HANDLERS, ...TARGET_HANDLERS, ...LISTENER_HANDLERS },
  CloudWatch: { ...CLOUDWATCH_HANDLERS, ...METRIC_HANDLERS },
  EFS: EFS_HANDLERS,
  SQS: { ...QUEUE_HANDLERS, ...MESSAGE_HANDLERS },
};

/** Read-only operations do not trigger a lifecycle pass after they run. */
export function isReadOnly(operation: string): boolean {
  return /^(Describe|Get|List)/.test(operation);
}
