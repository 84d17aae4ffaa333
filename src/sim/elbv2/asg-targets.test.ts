import {
  AttachLoadBalancerTargetGroupsCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeLoadBalancerTargetGroupsCommand,
  DetachLoadBalancerTargetGroupsCommand,
  SetDesiredCapacityCommand,
} from '@aws-sdk/client-auto-scaling';
import { SimAccount } from '../index';
import { AMI_BASE, simClients } from '../../../test/support/sim';
import { createAlb, createTargetGroup, createTargetGroupFleet, createWeightedListener, targetStates } from '../../../test/support/sim-elbv2';

async function setup() {
  const sim = new SimAccount({ seed: 5 });
  const c = simClients(sim);
  const lb = await createAlb(c.elbv2);
  const blue = await createTargetGroup(c.elbv2, 'shop-blue', { delay: 30 });
  const green = await createTargetGroup(c.elbv2, 'shop-green', { delay: 30 });
  await createWeightedListener(c.elbv2, lb, [
    [blue, 100],
    [green, 0],
  ]);
  return { sim, c, blue, green };
}

async function groupInstances(c: ReturnType<typeof simClients>, name: string) {
  const g = (await c.asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups![0];
  return Object.fromEntries(g.Instances!.map((i) => [i.InstanceId!, `${i.LifecycleState}/${i.HealthStatus}`]));
}

describe('Auto Scaling groups with target groups', () => {
  it('registers instances as they go InService and drains them out of the target group as they leave', async () => {
    const { sim, c, blue } = await setup();
    await createTargetGroupFleet(c, 'shop-v001', { desired: 2, targetGroups: [blue] });
    const g = (await c.asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['shop-v001'] }))).AutoScalingGroups![0];
    expect(g.TargetGroupARNs).toEqual([blue]);
    expect(sim.group('shop-v001')!.targetGroups).toEqual([blue]);
    expect(await targetStates(c.elbv2, blue)).toEqual({});
    sim.advance(45_000);
    const ids = Object.keys(await groupInstances(c, 'shop-v001'));
    expect(Object.values(await targetStates(c.elbv2, blue))).toEqual(['initial', 'initial']);
    expect((await c.asg.send(new DescribeLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: 'shop-v001' }))).LoadBalancerTargetGroups).toEqual([
      { LoadBalancerTargetGroupARN: blue, State: 'Added' },
    ]);
    sim.advance(30_000);
    expect(await targetStates(c.elbv2, blue)).toEqual({ [ids[0]]: 'healthy', [ids[1]]: 'healthy' });
    expect((await c.asg.send(new DescribeLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: 'shop-v001' }))).LoadBalancerTargetGroups![0].State).toBe('InService');

    await c.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'shop-v001', DesiredCapacity: 1 }));
    const states = await targetStates(c.elbv2, blue);
    const leaving = ids.find((id) => states[id] === 'draining')!;
    expect(Object.values(states).sort()).toEqual(['draining', 'healthy']);
    expect((await groupInstances(c, 'shop-v001'))[leaving]).toBe('Terminating/Healthy');
    sim.advance(29_000);
    expect((await groupInstances(c, 'shop-v001'))[leaving]).toBe('Terminating/Healthy');
    sim.advance(1_000);
    expect(Object.keys(await targetStates(c.elbv2, blue))).toEqual(ids.filter((id) => id !== leaving));
    expect(sim.instances().find((i) => i.id === leaving)!.state).toBe('shutting-down');
  });

  it('attaches and detaches target groups on a running group, and replaces instances the target group finds unhealthy', async () => {
    const { sim, c, blue, green } = await setup();
    await createTargetGroupFleet(c, 'shop-v002', { desired: 1 });
    sim.advance(45_000);
    const [id] = Object.keys(await groupInstances(c, 'shop-v002'));
    await c.asg.send(new AttachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: 'shop-v002', TargetGroupARNs: [green] }));
    expect(await targetStates(c.elbv2, green)).toEqual({ [id]: 'initial' });
    sim.advance(30_000);
    expect(await targetStates(c.elbv2, green)).toEqual({ [id]: 'healthy' });
    const bad = await c.asg.send(new AttachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: 'shop-v002', TargetGroupARNs: [`${blue}0`] })).catch((e) => e);
    expect(bad.name).toBe('ValidationError');

    sim.markAmiBroken(AMI_BASE);
    sim.advance(20_000);
    expect(await targetStates(c.elbv2, green)).toEqual({ [id]: 'draining' });
    expect((await groupInstances(c, 'shop-v002'))[id]).toBe('Terminating/Unhealthy');
    await c.asg.send(new DetachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: 'shop-v002', TargetGroupARNs: [green] }));
    expect((await c.asg.send(new DescribeLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: 'shop-v002' }))).LoadBalancerTargetGroups).toEqual([]);
    sim.advance(30_000);
    expect(await targetStates(c.elbv2, green)).toEqual({});
    const replacement = Object.keys(await groupInstances(c, 'shop-v002')).filter((x) => x !== id);
    expect(replacement).toHaveLength(1);
  });
});
