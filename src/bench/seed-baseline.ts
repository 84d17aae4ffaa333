/**
 * The seed write-up's deploy procedure, replayed step by step over drover's own AWS clients
 * (not the controller), as the baseline the swap strategies are measured against: put one
 * intermediate instance of the new AMI in the ELB, point the group at a new launch template
 * version, terminate every old instance and let the group replace them, wait for the new
 * instances, then remove the intermediate one. It never drains and never rolls back.
 */
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  CreateLaunchTemplateVersionCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  DeregisterInstancesFromLoadBalancerCommand,
  DescribeInstanceHealthCommand,
  RegisterInstancesWithLoadBalancerCommand,
} from '@aws-sdk/client-elastic-load-balancing';
import type { AwsClients } from '../aws/clients';
import type { DesiredFleet } from '../model/fleet';
import { resourceNames } from '../model/names';

export interface SeedBaselineInput {
  fleet: DesiredFleet;
  groupName: string;
  toAmi: string;
  /** How often the procedure looks again while it waits (drover's machines poll every 10 s too). */
  pollMs?: number;
  /** Let time pass (the simulated account's advance). */
  wait(ms: number): Promise<void>;
  /** Give up after this much waiting in one step. */
  stepTimeoutMs?: number;
}

export interface SeedBaselineResult {
  intermediateId: string;
  launchTemplateVersion: number;
  replaced: string[];
}

export async function replaySeedProcedure(clients: AwsClients, p: SeedBaselineInput): Promise<SeedBaselineResult> {
  const lb = p.fleet.loadBalancer.name;
  const lt = (await clients.ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: [resourceNames(p.fleet.name).launchTemplate] }))).LaunchTemplates?.[0];
  if (!lt?.LaunchTemplateId) throw new Error(`replaying the seed procedure for fleet ${p.fleet.name}: no launch template`);
  // 1. One intermediate instance of the new AMI, in the ELB, InService.
  const intermediateId = await launchIntermediate(clients, p, lt.LaunchTemplateId);
  await until(p, 'intermediate instance running', async () => (await instanceState(clients, intermediateId)) === 'running');
  await clients.elb.send(new RegisterInstancesWithLoadBalancerCommand({ LoadBalancerName: lb, Instances: [{ InstanceId: intermediateId }] }));
  await until(p, 'intermediate instance InService', async () => (await inService(clients, lb)).has(intermediateId));
  // 2. A launch template version with the new AMI, and the group pointed at it.
  const created = await clients.ec2.send(
    new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: lt.LaunchTemplateId, SourceVersion: String(lt.DefaultVersionNumber ?? 1), LaunchTemplateData: { ImageId: p.toAmi } }),
  );
  const version = created.LaunchTemplateVersion?.VersionNumber ?? 0;
  await clients.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: p.groupName, LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplateId, Version: String(version) } }));
  // 3. Terminate every old instance; the group replaces them from the new version.
  const old = (await groupInstances(clients.autoScaling, p.groupName)).map((i) => i.id);
  await clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: old }));
  // 4. Wait until the group's new instances are all InService.
  const desired = p.fleet.capacity.desired;
  await until(p, `${desired} new instances InService`, async () => {
    const serving = await inService(clients, lb);
    const fresh = (await groupInstances(clients.autoScaling, p.groupName)).filter((i) => i.version === String(version) && serving.has(i.id));
    return fresh.length >= desired;
  });
  // 5. Remove the intermediate instance.
  await clients.elb.send(new DeregisterInstancesFromLoadBalancerCommand({ LoadBalancerName: lb, Instances: [{ InstanceId: intermediateId }] }));
  await clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [intermediateId] }));
  return { intermediateId, launchTemplateVersion: version, replaced: old };
}

async function launchIntermediate(clients: AwsClients, p: SeedBaselineInput, launchTemplateId: string): Promise<string> {
  const out = await clients.ec2.send(
    new RunInstancesCommand({
      LaunchTemplate: { LaunchTemplateId: launchTemplateId, Version: '$Default' },
      ImageId: p.toAmi,
      SubnetId: p.fleet.network.subnets[0],
      MinCount: 1,
      MaxCount: 1,
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: `${p.fleet.name}-intermediate` }] }],
    }),
  );
  const id = out.Instances?.[0]?.InstanceId;
  if (!id) throw new Error(`replaying the seed procedure for fleet ${p.fleet.name}: RunInstances returned no instance`);
  return id;
}

async function until(p: SeedBaselineInput, what: string, check: () => Promise<boolean>): Promise<void> {
  const pollMs = p.pollMs ?? 10_000;
  const limit = p.stepTimeoutMs ?? 3_600_000;
  for (let waited = 0; !(await check()); waited += pollMs) {
    if (waited >= limit) throw new Error(`replaying the seed procedure for fleet ${p.fleet.name}: waiting for ${what} timed out`);
    await p.wait(pollMs);
  }
}

async function instanceState(clients: AwsClients, id: string): Promise<string | undefined> {
  const out = await clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return out.Reservations?.[0]?.Instances?.[0]?.State?.Name;
}

async function inService(clients: AwsClients, lb: string): Promise<Set<string>> {
  const out = await clients.elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: lb }));
  return new Set((out.InstanceStates ?? []).filter((s) => s.State === 'InService').map((s) => s.InstanceId ?? ''));
}

async function groupInstances(asg: AutoScalingClient, groupName: string): Promise<Array<{ id: string; version: string }>> {
  const out = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [groupName] }));
  const group = out.AutoScalingGroups?.[0];
  return (group?.Instances ?? [])
    .filter((i) => i.LifecycleState !== 'Terminating' && i.LifecycleState !== 'Terminated')
    .map((i) => ({ id: i.InstanceId ?? '', version: i.LaunchTemplate?.Version ?? '' }));
}
