/** The names a caller may give a simulated service: SDK client names or the CLI's short spellings. */
import type { SimService } from './errors';

const SERVICE_ALIASES: Record<string, SimService> = {
  ec2: 'EC2',
  autoscaling: 'AutoScaling',
  asg: 'AutoScaling',
  elasticloadbalancing: 'ElasticLoadBalancing',
  elb: 'ElasticLoadBalancing',
  elasticloadbalancingv2: 'ElasticLoadBalancingV2',
  elbv2: 'ElasticLoadBalancingV2',
  alb: 'ElasticLoadBalancingV2',
  cloudwatch: 'CloudWatch',
  efs: 'EFS',
  sqs: 'SQS',
};

/** Accept SDK names (`EC2Client`, `DescribeInstancesCommand`) and CLI spellings (`ec2`, `elb`, `asg`). */
export function normalize(service: string, operation: string): { service: string; operation: string } {
  const bare = service.replace(/Client$/, '');
  return { service: SERVICE_ALIASES[bare.toLowerCase().replace(/[^a-z0-9]/g, '')] ?? bare, operation: operation.replace(/Command$/, '') };
}
