import type { DeployPolicy } from '../model/fleet';
import { ownershipTags } from '../model/names';
import type { ObservedFleet, ObservedGroup } from '../model/observed';
import { VirtualClock } from '../util/clock';
import { createSwapMachine } from './machines';
import { recoverSwap } from './recover';
import { FakeSwapWorld } from '../../test/support/deploy/fake-swap-world';
import { runToEnd } from '../../test/support/deploy/harness';

const policy: DeployPolicy = {
  strategy: 'blueGreen', healthyTimeoutSeconds: 600, soakSeconds: 60, keepPreviousSeconds: 120, rollbackOnAlarms: ['shop-5xx'], minHealthyPercent: 90,
};

function group(name: string, generation: number, desired: number, owned = true): ObservedGroup {
  return {
    name, generation, desired, min: 0, max: 10, tags: owned ? ownershipTags('shop') : {}, subnets: [], loadBalancerNames: ['shop'],
    healthCheckType: 'ELB', healthCheckGracePeriodSeconds: 300, suspendedProcesses: [], instances: [], createdTime: '2026-01-01T00:00:00.000Z', lifecycle: 'active',
  };
}

function fleet(groups: ObservedGroup[]): ObservedFleet {
  return { name: 'shop', groups, alarms: [], policies: [], conflicts: [], readCalls: 0 };
}

describe('recoverSwap', () => {
  it('finds no swap with one owned group (a foreign group does not count)', () => {
    expect(recoverSwap(fleet([group('shop-v001', 1, 4), group('shop-v009', 9, 2, false)]), policy, { amiId: 'ami-1', drainingSeconds: 30 }))
      .toMatchObject({ action: 'none' });
  });

  it('resumes with the newest group as green and the larger capacity', () => {
    const r = recoverSwap(fleet([group('shop-v001', 1, 0), group('shop-v002', 2, 4)]), policy, { amiId: 'ami-1', drainingSeconds: 30 });
    expect(r).toMatchObject({ action: 'resume', input: { generation: 2, blueGroup: 'shop-v001', desiredAtStart: 4, drainingSeconds: 30 } });
  });

  it('a swap restarted from recovered input reuses the green group and finishes', async () => {
    const clock = new VirtualClock();
    const world = new FakeSwapWorld(clock, { blueGroup: 'shop-v001', blueDesired: 4, bootSeconds: 120 });
    await world.createGreenGroup({ groupName: 'shop-v002', generation: 2, launchTemplateVersion: 2, desired: 4 });
    await world.attachGreen({ groupName: 'shop-v002' });
    await world.deregisterBlue({ blueGroup: 'shop-v001', greenGroup: 'shop-v002' });
    const observed = fleet([...world.groups.values()].map((g) => group(g.name, g.generation, g.desired)));
    const r = recoverSwap(observed, policy, { amiId: 'ami-1', drainingSeconds: 30 });
    if (r.action !== 'resume') throw new Error(r.reason);
    const { result } = await runToEnd(createSwapMachine(world), { clock, input: r.input, kind: 'swap' });
    expect(result.output).toMatchObject({ status: 'succeeded', greenGroup: 'shop-v002' });
    expect(world.groupsCreated).toBe(1);
    expect([...world.groups.keys()]).toEqual(['shop-v002']);
  });
});
