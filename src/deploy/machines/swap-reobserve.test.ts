/**
 * The swap's reobserve guards and re-derive path on the in-memory world: the world changes
 * under the machine (a group deleted by hand, or gone after a lost save) and the machine
 * follows the world, never claims Succeeded for a group that does not serve, and never takes
 * the only serving group below capacity to repair a missing one.
 */
import { VirtualClock } from '../../util/clock';
import { createSwapMachine } from '.';
import { describePhase } from './phase';
import type { SwapInput } from './swap.machine';
import { FakeSwapWorld } from '../../../test/support/deploy/fake-swap-world';
import { runToEnd } from '../../../test/support/deploy/harness';

const input: SwapInput = {
  fleet: 'shop', generation: 2, blueGroup: 'shop-v001', amiId: 'ami-0a1b2c3d4e5f60002', desiredAtStart: 4,
  healthyTimeoutSeconds: 600, soakSeconds: 60, keepPreviousSeconds: 120, drainingSeconds: 30, rollbackOnAlarms: [],
};

function setup() {
  const clock = new VirtualClock();
  const world = new FakeSwapWorld(clock, { blueGroup: 'shop-v001', blueDesired: 4, bootSeconds: 120 });
  return { clock, world, machine: createSwapMachine(world) };
}

/** Runs `act` once, on the first saved snapshot in `phase`. */
function onceIn(phase: string, act: () => void) {
  let done = false;
  return (s: unknown) => {
    if (!done && describePhase(s).phase === phase) {
      done = true;
      act();
    }
  };
}

/** Least serving capacity from now on. */
function watchServing(clock: VirtualClock, world: FakeSwapWorld) {
  let min = world.serving();
  clock.onAdvance(() => (min = Math.min(min, world.serving())));
  return () => min;
}

describe('swap machine: the world is the truth', () => {
  it('green deleted by hand during keepPrevious: noticed at the next poll, blue restored, rolled back naming the group', async () => {
    const { clock, world, machine } = setup();
    let deletedAt = 0;
    let rollbackAt = 0;
    const { result } = await runToEnd(machine, {
      clock, input, kind: 'swap',
      onTransition: (s) => {
        onceIn('keepPrevious', () => {
          world.groups.delete('shop-v002');
          deletedAt = clock.nowMs();
        })(s);
        if (!rollbackAt && describePhase(s).phase === 'restoreBlue') rollbackAt = clock.nowMs();
      },
    });
    expect(result.output).toEqual({ status: 'rolledBack', reason: 'GroupMissing', message: 'green group shop-v002 is missing', failingInstanceIds: [] });
    expect(rollbackAt - deletedAt).toBeLessThanOrEqual(10_000);
    expect([...world.groups.keys()]).toEqual(['shop-v001']);
    expect(world.inService(world.groups.get('shop-v001')!)).toHaveLength(4);
    expect(world.policiesOn).toBe('shop-v001');
  });

  it('green gone while blue still serves in full: green is made again first, capacity never drops, then Succeeded is true', async () => {
    const { clock, world, machine } = setup();
    const min = watchServing(clock, world);
    const { result } = await runToEnd(machine, {
      clock, input, kind: 'swap',
      onTransition: onceIn('waitGreenHealthy', () => world.groups.delete('shop-v002')),
    });
    expect(result.output).toEqual({ status: 'succeeded', greenGroup: 'shop-v002', generation: 2, launchTemplateVersion: 2 });
    expect(world.groupsCreated).toBe(2);
    expect(min()).toBeGreaterThanOrEqual(4);
    expect(world.inService(world.groups.get('shop-v002')!)).toHaveLength(4);
    expect(world.log.indexOf('createGreenGroup shop-v002', 1)).toBeLessThan(world.log.findIndex((l) => l.startsWith('deregisterBlue')));
  });

  it('green launching another AMI (changed outside this deployment): rolled back, not claimed', async () => {
    const { clock, world, machine } = setup();
    const { result } = await runToEnd(machine, {
      clock, input, kind: 'swap',
      onTransition: onceIn('keepPrevious', () => (world.groups.get('shop-v002')!.launchTemplateVersion = 1)),
    });
    expect(result.output).toMatchObject({ status: 'rolledBack', reason: 'WorldChanged', message: expect.stringMatching(/launches ami-blue \(launch template version 1\), not ami-0a1b2c3d4e5f60002/) });
  });

  it('both groups gone: ends Failed with the truth instead of waiting on a blue that cannot come back', async () => {
    const { clock, world, machine } = setup();
    const { result } = await runToEnd(machine, {
      clock, input, kind: 'swap',
      onTransition: onceIn('keepPrevious', () => world.groups.clear()),
    });
    expect(result.output).toMatchObject({ status: 'failed', reason: 'GroupMissing', message: expect.stringMatching(/shop-v002 is missing.*blue group shop-v001 is gone/) });
    expect(describePhase(result.snapshot).result).toBe('failed');
  });

  it('green short of N/N after keepPrevious: blue is not deleted until green serves in full', async () => {
    const { clock, world, machine } = setup();
    let readyAt = Infinity;
    let deleteBlueAt = 0;
    const { result } = await runToEnd(machine, {
      clock, input, kind: 'swap',
      onTransition: (s) => {
        onceIn('keepPrevious', () => {
          readyAt = clock.nowMs() + 400_000; // one green instance replaced, booting for a while
          world.groups.get('shop-v002')!.instances[0].readyAtMs = readyAt;
        })(s);
        if (!deleteBlueAt && describePhase(s).phase === 'deleteBlue') deleteBlueAt = clock.nowMs();
      },
    });
    expect(result.output).toMatchObject({ status: 'succeeded' });
    expect(deleteBlueAt).toBeGreaterThanOrEqual(readyAt);
  });

  it('a step that finds its group gone (AWS says not found) re-derives instead of retrying forever', async () => {
    const { clock, world } = setup();
    world.movePolicies = async () => {
      world.groups.delete('shop-v002'); // deleted by hand just before the call
      throw Object.assign(new Error('AutoScalingGroup name not found - shop-v002'), { errorClass: 'notFound' });
    };
    const { result } = await runToEnd(createSwapMachine(world), { clock, input, kind: 'swap' });
    expect(result.output).toMatchObject({ status: 'rolledBack', reason: 'GroupMissing', message: 'AutoScalingGroup name not found - shop-v002' });
    expect(world.inService(world.groups.get('shop-v001')!)).toHaveLength(4);
  });

  it('a rollback that keeps meeting "not found" while blue exists backs off instead of spinning', async () => {
    const { clock, world } = setup();
    world.firing.add('shop-5xx');
    let restores = 0;
    world.restoreBlue = async () => {
      restores++;
      throw Object.assign(new Error('launch template lt-0 does not exist'), { errorClass: 'notFound' });
    };
    // No way forward in the world: it keeps retrying on the backoff for the whole virtual day the driver allows.
    await expect(runToEnd(createSwapMachine(world), { clock, input: { ...input, rollbackOnAlarms: ['shop-5xx'] }, kind: 'swap' })).rejects.toThrow(/not settled/);
    expect(restores).toBeGreaterThan(5);
    expect(restores).toBeLessThan(24 * 3600 / 300 + 20);
  });
});
