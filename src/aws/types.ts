/**
 * The SDK shapes drover's providers read and build, re-exported so that nothing outside
 * src/aws (and the sim and benches) imports `@aws-sdk/*`. Types only: importing this loads no
 * SDK package. Inputs and outputs of whole operations come from the port: `AwsInput<S, Op>`,
 * `AwsOutput<S, Op>`.
 */
export type { Activity, AutoScalingGroup, InstanceRefresh, LifecycleHookSpecification } from '@aws-sdk/client-auto-scaling';
/** An instance of an Auto Scaling group, as DescribeAutoScalingGroups lists it (not EC2's `Instance`). */
export type { Instance as GroupInstance } from '@aws-sdk/client-auto-scaling';
export type { ComparisonOperator, MetricAlarm, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
export type {
  Image,
  Instance,
  LaunchTemplate,
  LaunchTemplateVersion,
  RequestLaunchTemplateData,
  SecurityGroup,
  _InstanceType as InstanceType,
} from '@aws-sdk/client-ec2';
export type { FileSystemDescription } from '@aws-sdk/client-efs';
export type { LoadBalancerDescription } from '@aws-sdk/client-elastic-load-balancing';
export type { AwsInput, AwsOutput } from './port';

/** An SDK tag as most services list them (EC2, Auto Scaling, ELB, EFS). */
export interface SdkTag {
  Key?: string;
  Value?: string;
}
export type { AttributeValue } from '@aws-sdk/client-dynamodb';
