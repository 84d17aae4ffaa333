/**
 * The daemon's lifecycle sweep over many fleets reads their groups in batches (issue 14: one
 * DescribeAutoScalingGroups per fleet per resync was 2,000 Auto Scaling calls at 2,000 fleets).
 */
import { createSimEnv } from '../src/main/sim-env';
import { lifecycleActionsPort } from '../src/providers/autoscaling/lifecycle-actions';

const SUBNETS = ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'];

describe('lifecycle sweep in batches', () => {
  it('finds every fleet’s waiting instances with one call per 100 fleets, each under its own fleet', async () => {
    const env = createSimEnv();
    const lt = await env.sim.dispatch('EC2', 'CreateLaunchTemplate', { LaunchTemplateName: 'lt-x', LaunchTemplateData: { ImageId: 'ami-0a1b2c3d4e5f60001', InstanceType: 't3.micro' } });
    const fleets = Array.from({ length: 150 }, (_, i) => `f-${i}`);
    for (const [i, fleet] of fleets.entries()) {
      const name = `${fleet}-v001`;
      await env.sim.dispatch('AutoScaling', 'CreateAutoScalingGroup', {
        AutoScalingGroupName: name,
        LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId, Version: '$Latest' },
        MinSize: 0,
        MaxSize: 2,
        DesiredCapacity: 0,
        VPCZoneIdentifier: SUBNETS.join(','),
        Tags: [{ Key: 'drover:fleet', Value: fleet, PropagateAtLaunch: true }],
      });
      if (i % 50 !== 7) continue;
      await env.sim.dispatch('AutoScaling', 'PutLifecycleHook', { AutoScalingGroupName: name, LifecycleHookName: 'drover-launching', LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING', HeartbeatTimeout: 300 });
      await env.sim.dispatch('AutoScaling', 'SetDesiredCapacity', { AutoScalingGroupName: name, DesiredCapacity: 1 });
    }
    const port = lifecycleActionsPort(env.clients, { logger: env.logger, sleep: env.sleep });
    const { result, calls } = await env.clients.calls.measure(() => port.waitingInstancesOf!(fleets));
    expect(calls.byOperation).toEqual({ 'AutoScaling:DescribeAutoScalingGroups': 2 });
    expect([...result.entries()].filter(([, w]) => w.length).map(([f, w]) => [f, w.map((x) => x.transition)])).toEqual([
      ['f-7', ['launching']],
      ['f-57', ['launching']],
      ['f-107', ['launching']],
    ]);
    expect(result.get('f-57')).toEqual(await port.waitingInstances('f-57'));
    expect(result.size).toBe(150);
  });
});
