import { VirtualClock } from '../../util/clock';
import { createSwapMachine } from '.';
import { describePhase } from './phase';
import type { SwapInput } from './swap.machine';
import { FakeSwapWorld, type FakeSwapOptions } from '../../../test/support/deploy/fake-swap-world';
import { crashAndRestore, runToEnd } from '../../../test/support/deploy/harness';

const input: SwapInput = {
  fleet: 'shop',
  generation: 2,
  blueGroup: 'shop-v001',
  amiId: 'ami-0a1b2c3d4e5f60002',
  desiredAtStart: 4,
  healthyTimeoutSeconds: 600,
  soakSeconds: 60,
  keepPreviousSeconds: 120,
  drainingSeconds: 30,
  rollbackOnAlarms: ['shop-5xx'],
};

function setup(options: Partial<FakeSwapOptions> = {}) {
  const clock = new VirtualClock();
  const world = new FakeSwapWorld(clock, { blueGroup: 'shop-v001', blueDesired: 4, bootSeconds: 120, ...options });
  return { clock, world, machine: createSwapMachine(world) };
}

function sendAt(phase: string, event: any) {
  let sent = false;
  return (s: unknown, handle: { actor: { send(e: any): void } }) => {
    if (!sent && describePhase(s).phase === phase) {
      sent = true;
      handle.actor.send(event);
    }
  };
}

describe('swap machine', () => {
  it('swaps blue for green without ever serving less than the starting capacity', async () => {
    const { clock, world, machine } = setup();
    const { result, store } = await runToEnd(machine, { clock, input, kind: 'swap' });
    expect(result.output).toEqual({ status: 'succeeded', greenGroup: 'shop-v002', generation: 2, launchTemplateVersion: 2 });
    expect(world.log).toEqual([
      'createGreenGroup shop-v002',
      'attachGreen shop-v002',
      'deregisterBlue green=4/4',
      'movePolicies shop-v002',
      'scaleToZero shop-v001',
      'deleteGroup shop-v001',
    ]);
    expect([...world.groups.keys()]).toEqual(['shop-v002']);
    expect(world.minServing).toBeGreaterThanOrEqual(4);
    expect(world.policiesOn).toBe('shop-v002');
    const phases = [...new Set(store.history.map((r) => describePhase(r.snapshot).phase))];
    expect(phases).toEqual([
      'createLaunchTemplateVersion', 'createGreenGroup', 'attachGreen', 'waitGreenHealthy', 'deregisterBlue', 'drainBlue',
      'soak', 'movePolicies', 'verifyBeforeScaleIn', 'scaleBlueToZero', 'keepPrevious', 'verifyBeforeDeleteBlue', 'deleteBlue',
      'verifyServing', 'succeeded',
    ]);
  });

  it('rolls back an unhealthy green with its failing instances, never deregistering blue', async () => {
    const { clock, world, machine } = setup({ brokenGenerations: [2] });
    const start = clock.nowMs();
    let greenIds: string[] = [];
    const { result } = await runToEnd(machine, {
      clock, input, kind: 'swap',
      onTransition: () => {
        greenIds = world.groups.get('shop-v002')?.instances.map((i) => i.id) ?? greenIds;
      },
    });
    expect(result.output).toEqual({
      status: 'rolledBack',
      reason: 'GreenUnhealthy',
      message: '0/4 green instances InService after 600s',
      failingInstanceIds: greenIds,
    });
    expect(greenIds).toHaveLength(4);
    expect(clock.nowMs() - start).toBeGreaterThan(600_000);
    expect(world.log.some((l) => l.startsWith('deregisterBlue'))).toBe(false);
    expect([...world.groups.keys()]).toEqual(['shop-v001']);
    expect(world.groups.get('shop-v001')).toMatchObject({ registered: true, desired: 4, suspended: false });
    expect(world.minServing).toBeGreaterThanOrEqual(4);
  });

  it('rolls back within one poll when green cannot launch, with AWS\'s reason, never deregistering blue', async () => {
    const reason = "launching instances into group shop-v002: The image id '[ami-0a1b2c3d4e5f60002]' does not exist. Launching EC2 instance failed. (InvalidAMIID.NotFound)";
    const { clock, world, machine } = setup({ launchFailures: { 2: reason } });
    const start = clock.nowMs();
    const { result } = await runToEnd(machine, { clock, input, kind: 'swap' });
    expect(result.output).toEqual({ status: 'rolledBack', reason: 'LaunchFailed', message: reason, failingInstanceIds: [] });
    expect(clock.nowMs() - start).toBeLessThan(120_000);
    expect(world.log.some((l) => l.startsWith('deregisterBlue'))).toBe(false);
    expect([...world.groups.keys()]).toEqual(['shop-v001']);
    expect(world.minServing).toBeGreaterThanOrEqual(4);
  });

  it('rolls back when a watched alarm fires during soak, restoring blue before green leaves', async () => {
    const { clock, world, machine } = setup();
    let fired = false;
    const { result } = await runToEnd(machine, {
      clock, input, kind: 'swap',
      onTransition: (s) => {
        if (!fired && describePhase(s).phase === 'soak') {
          fired = true;
          world.firing.add('shop-5xx');
        }
      },
    });
    expect(result.output).toEqual({ status: 'rolledBack', reason: 'AlarmFired', message: 'alarm shop-5xx fired during soak', failingInstanceIds: [] });
    const restore = world.log.indexOf('restoreBlue shop-v001');
    expect(restore).toBeGreaterThan(world.log.findIndex((l) => l.startsWith('deregisterBlue')));
    expect(restore).toBeLessThan(world.log.indexOf('detachGreen shop-v002'));
    expect([...world.groups.keys()]).toEqual(['shop-v001']);
    expect(world.policiesOn).toBe('shop-v001');
    expect(world.minServing).toBeGreaterThanOrEqual(4);
  });

  it('rolls back on an ALARM event for a watched alarm and ignores others', async () => {
    const { clock, world, machine } = setup();
    let step = 0;
    const { result } = await runToEnd(machine, {
      clock, input, kind: 'swap',
      onTransition: (s, handle) => {
        if (describePhase(s).phase !== 'soak' || step > 1) return;
        handle.actor.send({ type: 'ALARM', alarmName: step++ === 0 ? 'shop-cpu-high' : 'shop-5xx' });
      },
    });
    expect(result.output).toMatchObject({ status: 'rolledBack', reason: 'AlarmFired', message: 'alarm shop-5xx fired during soak' });
    expect(world.groups.has('shop-v002')).toBe(false);
  });

  it('undoes from keepPrevious by scaling blue back up before green goes', async () => {
    const { clock, world, machine } = setup();
    const { result } = await runToEnd(machine, { clock, input, kind: 'swap', onTransition: sendAt('keepPrevious', { type: 'UNDO' }) });
    expect(result.output).toEqual({ status: 'rolledBack', reason: 'Undo', message: 'rollout undo requested', failingInstanceIds: [] });
    expect(world.log).toContain('scaleToZero shop-v001');
    expect([...world.groups.keys()]).toEqual(['shop-v001']);
    expect(world.groups.get('shop-v001')!.desired).toBe(4);
    expect(world.minServing).toBeGreaterThanOrEqual(4);
  });

  it('refuses undo once blue is being deleted, and says so', async () => {
    const { clock, world } = setup();
    const ports = Object.create(world) as FakeSwapWorld;
    let failures = 1;
    ports.deleteGroup = async (i) => {
      if (failures-- > 0) throw Object.assign(new Error('ResourceInUse'), { retryable: true });
      return world.deleteGroup(i);
    };
    let rejected: string | undefined;
    const undoPossible = new Map<string, boolean | undefined>();
    const undo = sendAt('deleteBlue', { type: 'UNDO' });
    const { result } = await runToEnd(createSwapMachine(ports), {
      clock, input, kind: 'swap',
      onTransition: (s, handle) => {
        undo(s, handle);
        rejected = s.context.undoRejected ?? rejected;
        undoPossible.set(describePhase(s).phase, describePhase(s).undoPossible);
      },
    });
    expect(result.output).toMatchObject({ status: 'succeeded' });
    expect(rejected).toBe('undo is no longer possible: blue group shop-v001 is being deleted');
    expect(undoPossible.get('keepPrevious')).toBe(true);
    expect(undoPossible.get('deleteBlue')).toBe(false);
  });

  it('records SCALE_OUT for the actor layer and restores blue at the scaled-out size', async () => {
    const { clock, world, machine } = setup();
    let pendingSeen = 0;
    let acked = false;
    const { result } = await runToEnd(machine, {
      clock, input, kind: 'swap',
      onTransition: (s, handle) => {
        const phase = describePhase(s).phase;
        if (phase === 'waitGreenHealthy' && s.context.pendingScaleOut === 0 && !acked) handle.actor.send({ type: 'SCALE_OUT', adjustment: 1 });
        if (s.context.pendingScaleOut > 0 && !acked) {
          pendingSeen = s.context.pendingScaleOut;
          acked = true;
          handle.actor.send({ type: 'SCALE_OUT_APPLIED', adjustment: s.context.pendingScaleOut });
          handle.actor.send({ type: 'UNDO' });
        }
      },
    });
    expect(pendingSeen).toBe(1);
    expect(result.output).toMatchObject({ status: 'rolledBack', reason: 'Undo' });
    expect(world.groups.get('shop-v001')!.desired).toBe(5);
  });

  it('restored from any saved snapshot, finishes the same swap with one green group', async () => {
    const happy = setup();
    const { result: expected, store } = await runToEnd(happy.machine, { clock: happy.clock, input, kind: 'swap' });
    const total = store.history.length;
    expect(total).toBeGreaterThan(20);
    for (let n = 1; n <= total * 2; n++) {
      const { clock, world, machine } = setup();
      const { result } = await crashAndRestore(machine, { clock, input, kind: 'swap' }, ((n - 1) % total) + 1, n > total ? 'afterEffect' : 'beforeEffect');
      expect({ n, output: result.output }).toEqual({ n, output: expected.output });
      expect({ n, created: world.groupsCreated, groups: [...world.groups.keys()], serving: world.minServing >= 4 }).toEqual({
        n, created: 1, groups: ['shop-v002'], serving: true,
      });
    }
  });

  it('restored from any saved snapshot of a rollback, still rolls back cleanly', async () => {
    const broken = setup({ brokenGenerations: [2] });
    const { result: expected, store } = await runToEnd(broken.machine, { clock: broken.clock, input, kind: 'swap' });
    const total = store.history.length;
    for (let n = 1; n <= total * 2; n++) {
      const { clock, world, machine } = setup({ brokenGenerations: [2] });
      const { result } = await crashAndRestore(machine, { clock, input, kind: 'swap' }, ((n - 1) % total) + 1, n > total ? 'afterEffect' : 'beforeEffect');
      expect({ n, reason: (result.output as { reason: string }).reason, failing: (result.output as { failingInstanceIds: string[] }).failingInstanceIds.length })
        .toEqual({ n, reason: (expected.output as { reason: string }).reason, failing: 4 });
      expect({ n, created: world.groupsCreated, groups: [...world.groups.keys()], serving: world.minServing >= 4 }).toEqual({
        n, created: 1, groups: ['shop-v001'], serving: true,
      });
    }
  });
});
