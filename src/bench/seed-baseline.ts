/**
 * The seed write-up's deploy procedure, replayed step by step over drover's own AWS clients
 * (not the controller), as the baseline the swap strategies are measured against: put one
 * intermediate instance of the new AMI in the ELB, point the group at a new launch template
 * version, terminate every old instance and let the group replace them, wait for the new
 * instances, then remove the intermediate one. It never drains and never rolls back.
 */
import type { AutoScalingApi } from '../aws/port';
import type { AwsPort } from '../aws/port';
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

export async function replaySeedProcedure(clients: AwsPort, p: SeedBaselineInput): Promise<SeedBaselineResult> {
  const lb = p.fleet.loadBalancer.name;
  const lt = (await clients.ec2.DescribeLaunchTemplates({ LaunchTemplateNames: [resourceNames(p.fleet.name).launchTemplate] })).LaunchTemplates?.[0];
  if (!lt?.LaunchTemplateId) throw new Error(`replaying the seed procedure for fleet ${p.fleet.name}: no launch template`);
  // 1. One intermediate instance of the new AMI, in the ELB, InService.
  const intermediateId = await launchIntermediate(clients, p, lt.LaunchTemplateId);
  await until(p, 'intermediate instance running', async () => (await instanceState(clients, intermediateId)) === 'running');
  await clients.elb.RegisterInstancesWithLoadBalancer({ LoadBalancerName: lb, Instances: [{ InstanceId: intermediateId }] });
  await until(p, 'intermediate instance InService', async () => (await inService(clients, lb)).has(intermediateId));
  // 2. A launch template version with the new AMI, and the group pointed at it.
  const created = await clients.ec2.CreateLaunchTemplateVersion({ LaunchTemplateId: lt.LaunchTemplateId, SourceVersion: String(lt.DefaultVersionNumber ?? 1), LaunchTemplateData: { ImageId: p.toAmi } });
  const version = created.LaunchTemplateVersion?.VersionNumber ?? 0;
  await clients.autoScaling.UpdateAutoScalingGroup({ AutoScalingGroupName: p.groupName, LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplateId, Version: String(version) } });
  // 3. Terminate every old instance; the group replaces them from the new version.
  const old = (await groupInstances(clients.autoScaling, p.groupName)).map((i) => i.id);
  await clients.ec2.TerminateInstances({ InstanceIds: old });
  // 4. Wait until the group's new instances are all InService.
  const desired = p.fleet.capacity.desired;
  await until(p, `${desired} new instances InService`, async () => {
    const serving = await inService(clients, lb);
    const fresh = (await groupInstances(clients.autoScaling, p.groupName)).filter((i) => i.version === String(version) && serving.has(i.id));
    return fresh.length >= desired;
  });
  // 5. Remove the intermediate instance.
  await clients.elb.DeregisterInstancesFromLoadBalancer({ LoadBalancerName: lb, Instances: [{ InstanceId: intermediateId }] });
  await clients.ec2.TerminateInstances({ InstanceIds: [intermediateId] });
  return { intermediateId, launchTemplateVersion: version, replaced: old };
}

async function launchIntermediate(clients: AwsPort, p: SeedBaselineInput, launchTemplateId: string): Promise<string> {
  const out = await clients.ec2.RunInstances({
    LaunchTemplate: { LaunchTemplateId: launchTemplateId, Version: '$Default' },
    ImageId: p.toAmi,
    SubnetId: p.fleet.network.subnets[0],
    MinCount: 1,
    MaxCount: 1,
    TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: `${p.fleet.name}-intermediate` }] }],
  });
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

async function instanceState(clients: AwsPort, id: string): Promise<string | undefined> {
  const out = await clients.ec2.DescribeInstances({ InstanceIds: [id] });
  return out.Reservations?.[0]?.Instances?.[0]?.State?.Name;
}

async function inService(clients: AwsPort, lb: string): Promise<Set<string>> {
  const out = await clients.elb.DescribeInstanceHealth({ LoadBalancerName: lb });
  return new Set((out.InstanceStates ?? []).filter((s) => s.State === 'InService').map((s) => s.InstanceId ?? ''));
}

async function groupInstances(asg: AutoScalingApi, groupName: string): Promise<Array<{ id: string; version: string }>> {
  const out = await asg.DescribeAutoScalingGroups({ AutoScalingGroupNames: [groupName] });
  const group = out.AutoScalingGroups?.[0];
  return (group?.Instances ?? [])
    .filter((i) => i.LifecycleState !== 'Terminating' && i.LifecycleState !== 'Terminated')
    .map((i) => ({ id: i.InstanceId ?? '', version: i.LaunchTemplate?.Version ?? '' }));
}
