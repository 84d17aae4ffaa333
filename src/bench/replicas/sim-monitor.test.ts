/**
 * The sim monitor of the multi-replica harness, on a simulated account driven through the real
 * SDK clients: a capacity dip below desired, a third serving group, and a lifecycle action
 * completed and then completed again (by token, then by instance id) are each seen.
 */
import { CompleteLifecycleActionCommand, CreateAutoScalingGroupCommand, PutLifecycleHookCommand, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { SimAccount } from '../../sim';
import { VirtualClock } from '../../util/clock';
import { createWebFleet, simClients, SUBNETS } from '../../../test/support/sim';
import { SimMonitor } from './sim-monitor';

async function world() {
  const sim = new SimAccount({ clock: new VirtualClock(Date.UTC(2026, 11, 4, 9)), seed: 3 });
  const c = simClients(sim);
  const monitor = new SimMonitor(sim, [{ name: 'web', loadBalancer: 'web', desired: 2 }]);
  monitor.start();
  const fleet = await createWebFleet(c, { name: 'web', desired: 2, min: 0, grace: 30, healthCheck: { interval: 10, healthyThreshold: 2, unhealthyThreshold: 2 } });
  sim.advance(3 * 60_000);
  return { sim, c, monitor, fleet };
}

describe('SimMonitor', () => {
  it('records capacity below desired once the fleet first reached it', async () => {
    const { sim, c, monitor, fleet } = await world();
    expect(sim.inServiceCount('web')).toBe(2);
    expect(monitor.dips).toEqual([]);
    await c.asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: fleet.groupName, DesiredCapacity: 1 }));
    sim.advance(60_000);
    monitor.stop();
    expect(monitor.dips[0]).toEqual(expect.objectContaining({ fleet: 'web', inService: 1, desired: 2 }));
    expect(monitor.lowest.get('web')).toBe(1);
    expect(monitor.capacityChecks).toBeGreaterThan(0);
  });

  it('counts groups created per fleet and moments with more than two serving groups', async () => {
    const { sim, c, monitor, fleet } = await world();
    for (const g of ['web-v002', 'web-v003']) {
      await c.asg.send(
        new CreateAutoScalingGroupCommand({ AutoScalingGroupName: g, LaunchTemplate: { LaunchTemplateId: fleet.launchTemplateId }, MinSize: 0, MaxSize: 2, DesiredCapacity: 1, VPCZoneIdentifier: SUBNETS.join(',') }),
      );
    }
    sim.advance(5_000);
    monitor.stop();
    expect(monitor.groupsCreated('web').sort()).toEqual(['web-v001', 'web-v002', 'web-v003']);
    // The fleet was created (1) and deployed once (1): one group too many.
    expect(monitor.extraGreens('web', 2)).toBe(1);
    expect(monitor.crowded[0]).toEqual(expect.objectContaining({ fleet: 'web', groups: ['web-v001', 'web-v002', 'web-v003'] }));
  });

  it('counts a lifecycle action completed a second time as a duplicate, however it is named', async () => {
    const { sim, c, monitor, fleet } = await world();
    await c.sqs.send(new CreateQueueCommand({ QueueName: 'hooks' }));
    await c.asg.send(
      new PutLifecycleHookCommand({
        AutoScalingGroupName: fleet.groupName,
        LifecycleHookName: 'warm',
        LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
        NotificationTargetARN: 'arn:aws:sqs:eu-west-1:123456789012:hooks',
        RoleARN: 'arn:aws:iam::123456789012:role/hooks',
        HeartbeatTimeout: 300,
      }),
    );
    await c.asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: fleet.groupName, DesiredCapacity: 3 }));
    const note = JSON.parse(sim.peekQueue('hooks').at(-1)!.body) as { LifecycleActionToken: string; EC2InstanceId: string };
    sim.advance(60_000);
    const complete = (by: object) => c.asg.send(new CompleteLifecycleActionCommand({ AutoScalingGroupName: fleet.groupName, LifecycleHookName: 'warm', LifecycleActionResult: 'CONTINUE', ...by }));
    await complete({ LifecycleActionToken: note.LifecycleActionToken });
    expect(monitor.duplicates).toEqual([]);
    const again = await complete({ InstanceId: note.EC2InstanceId }).catch((e: Error) => e);
    expect((again as Error).name).toBe('ValidationError');
    monitor.stop();
    const key = `${fleet.groupName}/warm/${note.EC2InstanceId}`;
    expect(monitor.completed.get(key)).toBe(1);
    expect(monitor.duplicates).toEqual([expect.objectContaining({ key, error: 'ValidationError' })]);
  });
});
