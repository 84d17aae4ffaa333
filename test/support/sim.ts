/**
 * Real SDK v3 clients wired to a simulated account, for the sim's own tests and for anyone
 * who needs clients without going through cloud/ (dummy static credentials, sim plugin).
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EFSClient } from '@aws-sdk/client-efs';
import { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SimAccount } from '../../src/sim/account';
import { REGION } from '../../src/sim/defaults';
import { createSimPlugin } from '../../src/sim/plugin';

export interface SimClients {
  ec2: EC2Client;
  asg: AutoScalingClient;
  elb: ElasticLoadBalancingClient;
  elbv2: ElasticLoadBalancingV2Client;
  cw: CloudWatchClient;
  efs: EFSClient;
  sqs: SQSClient;
}

export function simClients(account: SimAccount): SimClients {
  const config = { region: REGION, credentials: { accessKeyId: 'sim', secretAccessKey: 'sim' }, maxAttempts: 1 };
  const plugin = createSimPlugin(account);
  const clients: SimClients = {
    ec2: new EC2Client(config),
    asg: new AutoScalingClient(config),
    elb: new ElasticLoadBalancingClient(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    cw: new CloudWatchClient(config),
    efs: new EFSClient(config),
    sqs: new SQSClient(config),
  };
  for (const c of Object.values(clients)) c.middlewareStack.use(plugin);
  return clients;
}

export const SUBNETS = ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002', 'subnet-0a1b2c3d4e5f60003'];
export const WEB_SG = 'sg-0a1b2c3d4e5f60001';
export const AMI_BASE = 'ami-0a1b2c3d4e5f60001';

export interface WebFleetOptions {
  name?: string;
  imageId?: string;
  userData?: string;
  min?: number;
  max?: number;
  desired?: number;
  grace?: number;
  healthCheckType?: 'EC2' | 'ELB';
  draining?: number;
  healthCheck?: { interval: number; healthyThreshold: number; unhealthyThreshold: number };
}

/** A classic ELB, a launch template and an ASG behind it, created through the real clients. */
export async function createWebFleet(c: SimClients, o: WebFleetOptions = {}) {
  const { CreateLaunchTemplateCommand } = await import('@aws-sdk/client-ec2');
  const elbSdk = await import('@aws-sdk/client-elastic-load-balancing');
  const { CreateAutoScalingGroupCommand } = await import('@aws-sdk/client-auto-scaling');
  const name = o.name ?? 'web';
  await c.elb.send(
    new elbSdk.CreateLoadBalancerCommand({
      LoadBalancerName: name,
      Listeners: [{ Protocol: 'HTTP', LoadBalancerPort: 80, InstanceProtocol: 'HTTP', InstancePort: 80 }],
      Subnets: SUBNETS,
      SecurityGroups: [WEB_SG],
    }),
  );
  const hc = o.healthCheck ?? { interval: 10, healthyThreshold: 3, unhealthyThreshold: 2 };
  await c.elb.send(
    new elbSdk.ConfigureHealthCheckCommand({
      LoadBalancerName: name,
      HealthCheck: { Target: 'HTTP:80/health', Interval: hc.interval, Timeout: 5, HealthyThreshold: hc.healthyThreshold, UnhealthyThreshold: hc.unhealthyThreshold },
    }),
  );
  if (o.draining !== undefined) {
    await c.elb.send(
      new elbSdk.ModifyLoadBalancerAttributesCommand({
        LoadBalancerName: name,
        LoadBalancerAttributes: { ConnectionDraining: { Enabled: true, Timeout: o.draining } },
      }),
    );
  }
  const lt = await c.ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: `lt-${name}`,
      LaunchTemplateData: {
        ImageId: o.imageId ?? AMI_BASE,
        InstanceType: 't3.medium',
        SecurityGroupIds: [WEB_SG],
        UserData: o.userData ? Buffer.from(o.userData).toString('base64') : undefined,
      },
    }),
  );
  await c.asg.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: `${name}-v001`,
      LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplate!.LaunchTemplateId, Version: '$Latest' },
      MinSize: o.min ?? 0,
      MaxSize: o.max ?? 6,
      DesiredCapacity: o.desired ?? 3,
      VPCZoneIdentifier: SUBNETS.join(','),
      LoadBalancerNames: [name],
      HealthCheckType: o.healthCheckType ?? 'ELB',
      HealthCheckGracePeriod: o.grace ?? 120,
      Tags: [{ Key: 'drover:fleet', Value: name, PropagateAtLaunch: true }],
    }),
  );
  return { lbName: name, groupName: `${name}-v001`, launchTemplateId: lt.LaunchTemplate!.LaunchTemplateId! };
}
