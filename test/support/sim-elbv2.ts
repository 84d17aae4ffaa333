/** ELBv2 fixtures for the simulated account's tests: an ALB, target groups and a listener through the real client. */
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateLaunchTemplateCommand } from '@aws-sdk/client-ec2';
import { AMI_BASE, SimClients, SUBNETS, WEB_SG } from './sim';

export const VPC = 'vpc-0a1b2c3d4e5f60718';

export async function createAlb(elbv2: ElasticLoadBalancingV2Client, name = 'shop'): Promise<string> {
  const out = await elbv2.send(new CreateLoadBalancerCommand({ Name: name, Subnets: SUBNETS, SecurityGroups: [WEB_SG], Tags: [{ Key: 'drover:fleet', Value: name }] }));
  return out.LoadBalancers![0].LoadBalancerArn!;
}

export interface TargetGroupOptions {
  interval?: number;
  healthy?: number;
  unhealthy?: number;
  /** deregistration_delay.timeout_seconds */
  delay?: number;
}

export async function createTargetGroup(elbv2: ElasticLoadBalancingV2Client, name: string, o: TargetGroupOptions = {}): Promise<string> {
  const out = await elbv2.send(
    new CreateTargetGroupCommand({
      Name: name,
      Protocol: 'HTTP',
      Port: 80,
      VpcId: VPC,
      HealthCheckPath: '/health',
      HealthCheckIntervalSeconds: o.interval ?? 10,
      HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: o.healthy ?? 3,
      UnhealthyThresholdCount: o.unhealthy ?? 2,
    }),
  );
  const arn = out.TargetGroups![0].TargetGroupArn!;
  if (o.delay !== undefined) {
    await elbv2.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: arn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: String(o.delay) }] }));
  }
  return arn;
}

/** An HTTP:80 listener forwarding to the target groups with these weights. */
export async function createWeightedListener(elbv2: ElasticLoadBalancingV2Client, lbArn: string, weights: Array<[string, number]>): Promise<string> {
  const out = await elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: lbArn,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: weights.map(([TargetGroupArn, Weight]) => ({ TargetGroupArn, Weight })) } }],
    }),
  );
  return out.Listeners![0].ListenerArn!;
}

/** `id -> state` (or `state/reason`) for every target of the group. */
export async function targetStates(elbv2: ElasticLoadBalancingV2Client, tgArn: string, withReason = false): Promise<Record<string, string>> {
  const out = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }));
  return Object.fromEntries(
    out.TargetHealthDescriptions!.map((d) => [d.Target!.Id!, withReason && d.TargetHealth!.Reason ? `${d.TargetHealth!.State}/${d.TargetHealth!.Reason}` : d.TargetHealth!.State!]),
  );
}

export interface TargetGroupFleetOptions {
  imageId?: string;
  desired?: number;
  targetGroups?: string[];
  grace?: number;
}

/** A launch template and an ASG (ELB health checks) whose instances join the given target groups. */
export async function createTargetGroupFleet(c: SimClients, name: string, o: TargetGroupFleetOptions = {}): Promise<string> {
  const lt = await c.ec2.send(
    new CreateLaunchTemplateCommand({ LaunchTemplateName: `lt-${name}`, LaunchTemplateData: { ImageId: o.imageId ?? AMI_BASE, InstanceType: 't3.medium', SecurityGroupIds: [WEB_SG] } }),
  );
  await c.asg.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: name,
      LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplate!.LaunchTemplateId, Version: '$Latest' },
      MinSize: 0,
      MaxSize: 10,
      DesiredCapacity: o.desired ?? 2,
      VPCZoneIdentifier: SUBNETS.join(','),
      TargetGroupARNs: o.targetGroups,
      HealthCheckType: 'ELB',
      HealthCheckGracePeriod: o.grace ?? 0,
    }),
  );
  return name;
}

/** Values of one metric, oldest first, from GetMetricData. */
export async function metricValues(cw: CloudWatchClient, namespace: string, name: string, dims: Record<string, string>, stat: string, fromMs: number, toMs: number, period = 60): Promise<number[]> {
  const out = await cw.send(
    new GetMetricDataCommand({
      StartTime: new Date(fromMs),
      EndTime: new Date(toMs),
      ScanBy: 'TimestampAscending',
      MetricDataQueries: [
        {
          Id: 'm1',
          MetricStat: { Metric: { Namespace: namespace, MetricName: name, Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })) }, Period: period, Stat: stat },
        },
      ],
    }),
  );
  return out.MetricDataResults![0].Values!;
}

/** What an ALB fleet's listener does in the sim now, read from its state (no API call, no clock). */
export interface AlbView {
  /** Forward weight per target group name. */
  weights: Record<string, number>;
  /** Healthy, not draining targets of running instances, per target group name. */
  healthy: Record<string, number>;
  /** Healthy targets in the groups the listener sends traffic to (weight above 0). */
  serving: number;
  /** Requests answered per AMI since the account began (the sim's served-request counters). */
  served: Record<string, number>;
}

export function albView(sim: { snapshot(): any }): AlbView {
  const s = sim.snapshot();
  const tgs = Object.values(s.elbv2?.targetGroups ?? {}) as any[];
  const [listener] = Object.values(s.elbv2?.listeners ?? {}) as any[];
  const nameOf = (arn: string) => tgs.find((t) => t.arn === arn)?.name ?? arn;
  const weights: Record<string, number> = {};
  for (const t of listener?.actions?.[0]?.targetGroups ?? []) weights[nameOf(t.arn)] = t.weight;
  const healthy: Record<string, number> = {};
  for (const tg of tgs) {
    healthy[tg.name] = (Object.values(tg.targets) as any[]).filter(
      (t) => t.state === 'healthy' && t.drainingUntil === undefined && s.instances[t.id]?.state === 'running',
    ).length;
  }
  const serving = Object.entries(weights).filter(([, w]) => w > 0).reduce((n, [name]) => n + (healthy[name] ?? 0), 0);
  const served = Object.fromEntries(Object.entries(s.metrics?.served ?? {}).map(([ami, v]: [string, any]) => [ami, v.requests as number]));
  return { weights, healthy, serving, served };
}
