/**
 * Rollout controls on the swap machine: PAUSE holds before cut-over with blue serving and green
 * healthy, RESUME goes on, PROMOTE skips keepPrevious, ABORT rolls back to blue, and a snapshot
 * saved while paused restores paused.
 */
import { createActor, type AnyStateMachine } from 'xstate';
import { VirtualClock } from '../../util/clock';
import { createSwapMachine } from '.';
import { describePhase } from './phase';
import { swapMachine, type SwapInput } from './swap.machine';
import { FakeSwapWorld } from '../../../test/support/deploy/fake-swap-world';
import { runToEnd } from '../../../test/support/deploy/harness';

const input: SwapInput = {
  fleet: 'shop', generation: 2, blueGroup: 'shop-v001', amiId: 'ami-0a1b2c3d4e5f60002', desiredAtStart: 4,
  healthyTimeoutSeconds: 600, soakSeconds: 60, keepPreviousSeconds: 3600, drainingSeconds: 30, rollbackOnAlarms: [],
};

function setup() {
  const clock = new VirtualClock();
  const world = new FakeSwapWorld(clock, { blueGroup: 'shop-v001', blueDesired: 4, bootSeconds: 120 });
  return { clock, world, machine: createSwapMachine(world) };
}

type Handle = { actor: { send(e: any): void } };

describe('swap machine: rollout controls', () => {
  it('PAUSE holds before cut-over (green healthy, blue serving) until RESUME, then finishes', async () => {
    const { clock, world, machine } = setup();
    let seen: { blue: boolean; green: number; log: string[]; message: string } | undefined;
    const { result } = await runToEnd(machine, {
      clock, input, kind: 'swap',
      onTransition: (s: any, h: Handle) => {
        const phase = describePhase(s).phase;
        if (phase === 'createGreenGroup' && !s.context.paused) h.actor.send({ type: 'PAUSE' });
        if (phase === 'paused' && !seen) {
          seen = { blue: world.groups.get('shop-v001')!.registered, green: world.inService(world.groups.get('shop-v002')!).length, log: [...world.log], message: s.context.message };
          h.actor.send({ type: 'RESUME' });
        }
      },
    });
    expect(seen).toEqual({ blue: true, green: 4, log: ['createGreenGroup shop-v002', 'attachGreen shop-v002'], message: expect.stringMatching(/^paused before cut-over/) });
    expect(result.output).toMatchObject({ status: 'succeeded' });
    expect(world.minServing).toBeGreaterThanOrEqual(4);
  });

  it('PROMOTE skips the keepPrevious wait', async () => {
    const { clock, world, machine } = setup();
    let keepAt = 0;
    const { result } = await runToEnd(machine, {
      clock, input, kind: 'swap',
      onTransition: (s: any, h: Handle) => {
        if (describePhase(s).phase === 'keepPrevious' && !keepAt) {
          keepAt = clock.nowMs();
          h.actor.send({ type: 'PROMOTE' });
          h.actor.send({ type: 'POLL' });
        }
      },
    });
    expect(result.output).toMatchObject({ status: 'succeeded' });
    expect(world.log).toContain('deleteGroup shop-v001');
    expect(clock.nowMs() - keepAt).toBeLessThan(120_000);
  });

  it('ABORT while paused returns traffic to blue; capacity never drops below desired', async () => {
    const { clock, world, machine } = setup();
    const { result } = await runToEnd(machine, {
      clock, input, kind: 'swap',
      onTransition: (s: any, h: Handle) => {
        const phase = describePhase(s).phase;
        if (phase === 'attachGreen' && !s.context.paused) h.actor.send({ type: 'PAUSE' });
        if (phase === 'paused') h.actor.send({ type: 'ABORT' });
      },
    });
    expect(result.output).toEqual({ status: 'rolledBack', reason: 'Aborted', message: 'rollout abort requested', failingInstanceIds: [] });
    expect([...world.groups.keys()]).toEqual(['shop-v001']);
    expect(world.log).not.toContain(expect.stringMatching(/^deregisterBlue/));
    expect(world.minServing).toBeGreaterThanOrEqual(4);
  });

  it('a snapshot saved while paused restores paused, and RESUME still moves it', () => {
    const actor = createActor(swapMachine, { input });
    actor.start();
    actor.send({ type: 'PAUSE' });
    const saved = JSON.parse(JSON.stringify(actor.getPersistedSnapshot()));
    actor.stop();
    expect(saved.context.paused).toBe(true);
    const restored = createActor(swapMachine as AnyStateMachine, { snapshot: saved });
    expect(restored.getSnapshot().context.paused).toBe(true);
    restored.start();
    restored.send({ type: 'RESUME' });
    expect(restored.getSnapshot().context.paused).toBeUndefined();
    restored.stop();
  });
});
