import {
  AlreadyExistsFault,
  CreateAutoScalingGroupCommand,
  DeleteAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
  ResourceInUseFault,
  SetDesiredCapacityCommand,
  SuspendProcessesCommand,
  UpdateAutoScalingGroupCommand,
  paginateDescribeAutoScalingGroups,
} from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { DescribeInstanceHealthCommand, DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing';
import { SimAccount } from '../index';
import { createWebFleet, simClients, SUBNETS } from '../../../test/support/sim';

function setup() {
  const sim = new SimAccount({ seed: 42 });
  return { sim, c: simClients(sim) };
}

async function describeGroup(c: ReturnType<typeof simClients>, name: string) {
  const out = await c.asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  return out.AutoScalingGroups![0];
}

describe('Auto Scaling group lifecycle', () => {
  it('launches to desired across all AZs and goes InService on the ELB after boot + threshold x interval', async () => {
    const { sim, c } = setup();
    const { lbName, groupName } = await createWebFleet(c, { desired: 3 });
    const g = await describeGroup(c, groupName);
    expect(g.Instances).toHaveLength(3);
    expect(new Set(g.Instances!.map((i) => i.AvailabilityZone))).toEqual(new Set(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']));
    expect(g.Instances!.every((i) => i.LifecycleState === 'Pending' && i.LaunchTemplate?.Version === '1')).toBe(true);
    const ec2 = await c.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:aws:autoscaling:groupName', Values: [groupName] }] }));
    const instances = ec2.Reservations!.flatMap((r) => r.Instances!);
    expect(instances[0].Tags).toEqual(expect.arrayContaining([{ Key: 'drover:fleet', Value: 'web' }]));
    sim.advance(45_000);
    expect((await describeGroup(c, groupName)).Instances!.every((i) => i.LifecycleState === 'InService')).toBe(true);
    const health = await c.elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: lbName }));
    expect(health.InstanceStates![0]).toMatchObject({ State: 'OutOfService', ReasonCode: 'ELB', Description: 'Instance registration is still in progress.' });
    sim.advance(29_000);
    expect(sim.inServiceCount(lbName)).toBe(0);
    sim.advance(1_000);
    expect(sim.inServiceCount(lbName)).toBe(3);
    const lb = await c.elb.send(new DescribeLoadBalancersCommand({ LoadBalancerNames: [lbName] }));
    expect(lb.LoadBalancerDescriptions![0].Instances).toHaveLength(3);
    expect(lb.LoadBalancerDescriptions![0].DNSName).toMatch(/^web-\d{10}\.eu-west-1\.elb\.amazonaws\.com$/);
  });

  it('never marks instances from a broken AMI healthy, and replaces them after the grace period', async () => {
    const { sim, c } = setup();
    sim.markAmiBroken('ami-0a1b2c3d4e5f60002');
    const { lbName, groupName } = await createWebFleet(c, { desired: 2, imageId: 'ami-0a1b2c3d4e5f60002', grace: 60 });
    const first = (await describeGroup(c, groupName)).Instances!.map((i) => i.InstanceId);
    sim.advance(45_000 + 30_000);
    const health = await c.elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: lbName }));
    expect(health.InstanceStates![0]).toMatchObject({
      State: 'OutOfService',
      ReasonCode: 'Instance',
      Description: 'Instance has failed at least the UnhealthyThreshold number of health checks consecutively.',
    });
    sim.advance(31_000);
    const g = await describeGroup(c, groupName);
    const replaced = g.Instances!.filter((i) => !first.includes(i.InstanceId));
    expect(replaced).toHaveLength(2);
    expect(g.Instances!.filter((i) => first.includes(i.InstanceId)).every((i) => i.HealthStatus === 'Unhealthy')).toBe(true);
    sim.advance(600_000);
    expect(sim.inServiceCount(lbName)).toBe(0);
    const acts = await c.asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: groupName, MaxRecords: 50 }));
    expect(acts.Activities!.some((a) => /ELB system health check failure/.test(a.Cause!))).toBe(true);
  });

  it('drains connections before terminating on scale-in', async () => {
    const { sim, c } = setup();
    const { lbName, groupName } = await createWebFleet(c, { desired: 3, draining: 60 });
    sim.advance(75_000);
    expect(sim.inServiceCount(lbName)).toBe(3);
    await c.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: groupName, DesiredCapacity: 1 }));
    const g = await describeGroup(c, groupName);
    const leaving = g.Instances!.filter((i) => i.LifecycleState === 'Terminating').map((i) => i.InstanceId!);
    expect(leaving).toHaveLength(2);
    expect(sim.inServiceCount(lbName)).toBe(1);
    expect(sim.drainingCount(lbName)).toBe(2);
    const health = await c.elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: lbName }));
    expect(health.InstanceStates!.find((s) => s.InstanceId === leaving[0])).toMatchObject({ State: 'InService', Description: 'Instance deregistration currently in progress.' });
    sim.advance(59_000);
    expect(sim.instances().filter((i) => leaving.includes(i.id)).map((i) => i.state)).toEqual(['running', 'running']);
    sim.advance(1_000);
    expect(sim.instances().filter((i) => leaving.includes(i.id)).map((i) => i.state)).toEqual(['shutting-down', 'shutting-down']);
    sim.advance(30_000);
    expect((await describeGroup(c, groupName)).Instances).toHaveLength(1);
    expect(sim.drainingCount(lbName)).toBe(0);
  });

  it('validates sizes and names, and refuses to delete a group with instances without ForceDelete', async () => {
    const { sim, c } = setup();
    const { groupName, launchTemplateId } = await createWebFleet(c, { desired: 1 });
    const base = { LaunchTemplate: { LaunchTemplateId: launchTemplateId }, VPCZoneIdentifier: SUBNETS[0] };
    const dup = await c.asg.send(new CreateAutoScalingGroupCommand({ ...base, AutoScalingGroupName: groupName, MinSize: 0, MaxSize: 1 })).catch((e) => e);
    expect(dup).toBeInstanceOf(AlreadyExistsFault);
    const bad = await c.asg.send(new CreateAutoScalingGroupCommand({ ...base, AutoScalingGroupName: 'x', MinSize: 1, MaxSize: 2, DesiredCapacity: 5 })).catch((e) => e);
    expect(bad.name).toBe('ValidationError');
    expect(bad.$fault).toBe('client');
    sim.advance(60_000);
    const inUse = await c.asg.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: groupName })).catch((e) => e);
    expect(inUse).toBeInstanceOf(ResourceInUseFault);
    await c.asg.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: groupName, ForceDelete: true }));
    expect((await describeGroup(c, groupName)).Status).toBe('Delete in progress');
    sim.advance(60_000);
    expect(await describeGroup(c, groupName)).toBeUndefined();
  });

  it('pages DescribeAutoScalingGroups and filters by tag', async () => {
    const { c } = setup();
    const { launchTemplateId } = await createWebFleet(c, { desired: 0 });
    for (let n = 0; n < 6; n++) {
      await c.asg.send(
        new CreateAutoScalingGroupCommand({
          AutoScalingGroupName: `g${n}`,
          LaunchTemplate: { LaunchTemplateId: launchTemplateId },
          MinSize: 0,
          MaxSize: 1,
          VPCZoneIdentifier: SUBNETS[1],
          Tags: [{ Key: 'drover:fleet', Value: n % 2 ? 'odd' : 'even', PropagateAtLaunch: true }],
        }),
      );
    }
    let pages = 0;
    const names: string[] = [];
    for await (const p of paginateDescribeAutoScalingGroups({ client: c.asg }, { Filters: [{ Name: 'tag:drover:fleet', Values: ['even'] }] })) {
      pages++;
      names.push(...p.AutoScalingGroups!.map((g) => g.AutoScalingGroupName!));
    }
    expect(names).toEqual(['g0', 'g2', 'g4']);
    const all = await c.asg.send(new DescribeAutoScalingGroupsCommand({}));
    expect(all.NextToken).toBeDefined();
    expect(pages).toBeGreaterThanOrEqual(1);
  });

  it('honours suspended Launch and resumes catching up to desired', async () => {
    const { sim, c } = setup();
    const { groupName } = await createWebFleet(c, { desired: 1 });
    await c.asg.send(new SuspendProcessesCommand({ AutoScalingGroupName: groupName, ScalingProcesses: ['Launch'] }));
    await c.asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: groupName, DesiredCapacity: 3 }));
    sim.advance(60_000);
    const g = await describeGroup(c, groupName);
    expect(g.Instances).toHaveLength(1);
    expect(g.SuspendedProcesses!.map((p) => p.ProcessName)).toEqual(['Launch']);
    await sim.dispatch('AutoScaling', 'ResumeProcesses', { AutoScalingGroupName: groupName });
    expect((await describeGroup(c, groupName)).Instances).toHaveLength(3);
  });
});

describe('failed launches', () => {
  it('records a failed activity with the EC2 reason and retries with backoff', async () => {
    const { sim, c } = setup();
    const { groupName } = await createWebFleet(c, { desired: 1, imageId: 'ami-0123456789abcdef0' });
    sim.advance(60_000);
    const acts = await c.asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: groupName, MaxRecords: 100 }));
    expect(acts.Activities!.length).toBeGreaterThan(1);
    expect(acts.Activities!.length).toBeLessThan(6);
    expect(acts.Activities![0]).toMatchObject({ StatusCode: 'Failed' });
    expect(acts.Activities![0].StatusMessage).toBe("The image id '[ami-0123456789abcdef0]' does not exist. Launching EC2 instance failed.");
    expect(sim.group(groupName)!.instances).toHaveLength(0);
  });
});
