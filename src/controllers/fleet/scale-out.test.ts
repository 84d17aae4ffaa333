/**
 * Blue's own scale-out reaching green: the reconciler's signal (scaleOutSignal, pure) and the
 * machines that take it in, on the in-memory worlds. A `watcher` plays the FleetReconciler's
 * watch: on every saved transition it compares blue's desired capacity in the world with what
 * the machine accounts for and sends the difference, as the daemon does every few seconds.
 */
import { VirtualClock } from '../../util/clock';
import { createCanaryMachine, createSwapMachine } from '../../deploy/machines';
import { describePhase } from '../../deploy/machines/phase';
import type { CanaryInput } from '../../deploy/machines/canary.machine';
import type { SwapInput } from '../../deploy/machines/swap.machine';
import type { ObservedFleet, ObservedGroup } from '../../model/observed';
import { FakeSwapWorld } from '../../../test/support/deploy/fake-swap-world';
import { FakeCanaryWorld } from '../../../test/support/deploy/fake-canary-world';
import { crashAndRestore, runToEnd } from '../../../test/support/deploy/harness';
import { scaleOutSignal } from './scale-out';

const BLUE = 'shop-v001';
const input: SwapInput = {
  fleet: 'shop', generation: 2, blueGroup: BLUE, amiId: 'ami-0a1b2c3d4e5f60002', desiredAtStart: 4,
  healthyTimeoutSeconds: 600, soakSeconds: 60, keepPreviousSeconds: 120, drainingSeconds: 30, rollbackOnAlarms: [],
};

function observedWith(desired: number): ObservedFleet {
  return { name: 'shop', groups: [{ name: BLUE, desired } as ObservedGroup], alarms: [], policies: [], conflicts: [], readCalls: 0 };
}

function snap(value: unknown, context: Record<string, unknown>, status = 'active') {
  return { status, value, context: { input, scaleOutApplied: 0, pendingScaleOut: 0, ...context } };
}

/** Blue's own policy: sets its desired capacity in the fake world (its new instances boot there too). */
function scaleBlue(world: FakeSwapWorld, desired: number): void {
  (world as unknown as { setDesired(g: unknown, d: number): void }).setDesired(world.groups.get(BLUE), desired);
}

/** The reconciler's watch, on every saved transition: SCALE_OUT by what blue exceeds, before cut-over. */
function watcher(world: FakeSwapWorld, kind: 'swap' | 'canary', sent: number[]) {
  return (s: unknown, handle: { actor: { getSnapshot(): unknown; send(e: any): void } }) => {
    const blue = world.groups.get(BLUE);
    const signal = blue && scaleOutSignal(kind, handle.actor.getSnapshot(), observedWith(blue.desired));
    if (!signal) return;
    sent.push(signal.adjustment);
    handle.actor.send(signal);
  };
}

describe('scaleOutSignal', () => {
  const waiting = { rollout: { waitGreenHealthy: 'wait' } };
  it('sends what blue exceeds beyond the start, the applied and the pending scale-outs, until the policies move', () => {
    expect(scaleOutSignal('swap', snap(waiting, {}), observedWith(6))).toEqual({ type: 'SCALE_OUT', adjustment: 2 });
    expect(scaleOutSignal('swap', snap(waiting, { pendingScaleOut: 1 }), observedWith(6))).toEqual({ type: 'SCALE_OUT', adjustment: 1 });
    expect(scaleOutSignal('swap', snap(waiting, { scaleOutApplied: 1, pendingScaleOut: 1 }), observedWith(6))).toBeUndefined();
    expect(scaleOutSignal('canary', snap({ rollout: { pause: 'wait' } }, {}), observedWith(5))).toEqual({ type: 'SCALE_OUT', adjustment: 1 });
    expect(scaleOutSignal('swap', snap({ rollout: 'paused' }, {}), observedWith(5))).toEqual({ type: 'SCALE_OUT', adjustment: 1 });
    // After cut-over, until the policies move: blue's last decision, seen late.
    expect(scaleOutSignal('swap', snap({ rollout: { drainBlue: 'wait' } }, {}), observedWith(5))).toEqual({ type: 'SCALE_OUT', adjustment: 1 });
    expect(scaleOutSignal('canary', snap({ rollout: { soak: 'wait' } }, { cutOver: true }), observedWith(5))).toEqual({ type: 'SCALE_OUT', adjustment: 1 });
  });

  it('sends nothing for a scale-in, once the policies moved to green, in a rollback, when over, or for a rolling refresh', () => {
    expect(scaleOutSignal('swap', snap(waiting, {}), observedWith(3))).toBeUndefined();
    expect(scaleOutSignal('swap', snap({ rollout: { movePolicies: 'run' } }, {}), observedWith(5))).toBeUndefined();
    expect(scaleOutSignal('swap', snap({ rollout: { keepPrevious: 'wait' } }, {}), observedWith(5))).toBeUndefined();
    expect(scaleOutSignal('canary', snap({ rollout: { verifyBeforeScaleIn: 'run' } }, { cutOver: true }), observedWith(5))).toBeUndefined();
    expect(scaleOutSignal('swap', snap({ rollback: { restoreBlue: 'run' } }, {}), observedWith(5))).toBeUndefined();
    expect(scaleOutSignal('swap', snap(waiting, { rollback: { reason: 'Undo' } }), observedWith(5))).toBeUndefined();
    expect(scaleOutSignal('swap', snap('succeeded', {}, 'done'), observedWith(5))).toBeUndefined();
    expect(scaleOutSignal('rolling', snap(waiting, {}), observedWith(5))).toBeUndefined();
    expect(scaleOutSignal('swap', snap(waiting, {}), undefined)).toBeUndefined();
  });
});

describe('a swap while blue scales out', () => {
  function setup() {
    const clock = new VirtualClock();
    const world = new FakeSwapWorld(clock, { blueGroup: BLUE, blueDesired: 4, bootSeconds: 120 });
    return { clock, world, machine: createSwapMachine(world) };
  }

  /** Run a swap whose blue scales out 4 -> 5 when it reaches `phase`, the watcher standing in for the reconciler. */
  async function scaleOutAt(phase: string) {
    const { clock, world, machine } = setup();
    const sent: number[] = [];
    const watch = watcher(world, 'swap', sent);
    const at: Record<string, number> = {};
    const { result } = await runToEnd(machine, {
      clock, input, kind: 'swap',
      onTransition: (s, handle) => {
        const now = describePhase(s).phase;
        at[now] ??= clock.nowMs();
        if (now === phase && world.groups.get(BLUE)!.desired === 4) scaleBlue(world, 5);
        watch(s, handle);
      },
    });
    return { result, world, sent, at };
  }

  it('grows green to the scaled-out size before cut-over, once', async () => {
    const { result, world, sent } = await scaleOutAt('waitGreenHealthy');
    expect(result.output).toMatchObject({ status: 'succeeded' });
    expect(sent).toEqual([1]);
    expect(world.log).toEqual([
      'createGreenGroup shop-v002', 'attachGreen shop-v002', 'scaleGreen 5', 'deregisterBlue green=5/5',
      'movePolicies shop-v002', 'scaleToZero shop-v001', 'deleteGroup shop-v001',
    ]);
    expect(world.groups.get('shop-v002')!.desired).toBe(5);
    expect(world.minServing).toBeGreaterThanOrEqual(4);
  });

  it('grows green during a pause before cut-over, and holds until resumed', async () => {
    const { clock, world, machine } = setup();
    const sent: number[] = [];
    const watch = watcher(world, 'swap', sent);
    let paused = 0;
    const { result } = await runToEnd(machine, {
      clock, input, kind: 'swap',
      onTransition: (s, handle) => {
        const phase = describePhase(s).phase;
        if (phase === 'createLaunchTemplateVersion' && paused === 0) {
          paused = 1;
          handle.actor.send({ type: 'PAUSE' });
        }
        if (phase === 'paused' && paused === 1) {
          paused = 2;
          scaleBlue(world, 6);
        }
        watch(s, handle);
        // Back in the hold with green at the new size: the operator resumes.
        if (phase === 'paused' && paused === 2 && world.groups.get('shop-v002')!.desired === 6 && s.context.pendingScaleOut === 0) {
          paused = 3;
          handle.actor.send({ type: 'RESUME' });
        }
      },
    });
    expect(result.output).toMatchObject({ status: 'succeeded' });
    expect(paused).toBe(3);
    expect(sent).toEqual([2]);
    expect(world.log.slice(0, 4)).toEqual(['createGreenGroup shop-v002', 'attachGreen shop-v002', 'scaleGreen 6', 'deregisterBlue green=6/6']);
  });

  it('a scale-out seen only after cut-over still reaches green, before its policies move, drain and soak kept', async () => {
    // Blue's alarm acted just before cut-over; the reconciler's next watch sees it during the drain.
    const { result, world, sent, at } = await scaleOutAt('drainBlue');
    expect(result.output).toMatchObject({ status: 'succeeded' });
    expect(sent).toEqual([1]);
    expect(world.log.slice(2, 5)).toEqual(['deregisterBlue green=4/4', 'scaleGreen 5', 'movePolicies shop-v002']);
    expect(world.groups.get('shop-v002')!.desired).toBe(5);
    expect(at.movePolicies - at.drainBlue).toBeGreaterThanOrEqual((input.drainingSeconds + input.soakSeconds) * 1000);
  });

  it('once the policies moved to green leaves green to them: nothing is applied', async () => {
    const { result, world, sent } = await scaleOutAt('movePolicies');
    expect(result.output).toMatchObject({ status: 'succeeded' });
    expect(sent).toEqual([]);
    expect(world.log.filter((l) => l.startsWith('scaleGreen'))).toEqual([]);
  });

  for (const [when, cutOver] of [['waitGreenHealthy', 'deregisterBlue green=5/5'], ['drainBlue', 'deregisterBlue green=4/4']]) {
    it(`scaled out in ${when}, restored from any saved snapshot, applies the scale-out once and still makes one green group`, async () => {
      const plan = setup();
      const probe = watcher(plan.world, 'swap', []);
      const { store } = await runToEnd(plan.machine, {
        clock: plan.clock, input, kind: 'swap',
        onTransition: (s, handle) => {
          if (describePhase(s).phase === when && plan.world.groups.get(BLUE)!.desired === 4) scaleBlue(plan.world, 5);
          probe(s, handle);
        },
      });
      const total = store.history.length;
      for (let n = 1; n <= total * 2; n++) {
        const { clock, world, machine } = setup();
        const watch = watcher(world, 'swap', []);
        const { result } = await crashAndRestore(machine, {
          clock, input, kind: 'swap',
          onTransition: (s, handle) => {
            if (describePhase(s).phase === when && world.groups.get(BLUE)!.desired === 4) scaleBlue(world, 5);
            watch(s, handle);
          },
        }, ((n - 1) % total) + 1, n > total ? 'afterEffect' : 'beforeEffect');
        expect({ n, status: (result.output as { status?: string } | undefined)?.status }).toEqual({ n, status: 'succeeded' });
        expect({ n, created: world.groupsCreated, groups: [...world.groups.keys()], green: world.groups.get('shop-v002')?.desired, serving: world.minServing >= 4 })
          .toEqual({ n, created: 1, groups: ['shop-v002'], green: 5, serving: true });
        expect({ n, cutOver: world.log.find((l) => l.startsWith('deregisterBlue')), scaled: world.log.filter((l) => l.startsWith('scaleGreen')) })
          .toEqual({ n, cutOver, scaled: ['scaleGreen 5'] });
      }
    });
  }
});

describe('a canary while blue scales out', () => {
  const canary: CanaryInput = {
    ...input, desiredAtStart: 10, steps: [{ setWeight: 10 }, { pauseSeconds: 300 }, { setWeight: 50 }, { pauseSeconds: 600 }, { setWeight: 100 }],
    onAbort: 'delete', analysisIntervalSeconds: 60,
  };

  it('sizes green from the scaled-out desired: during the pause, at each later weight and at cut-over', async () => {
    const clock = new VirtualClock();
    const world = new FakeCanaryWorld(clock, { blueGroup: BLUE, blueDesired: 10, bootSeconds: 120 });
    const sent: number[] = [];
    const watch = watcher(world, 'canary', sent);
    const { result } = await runToEnd(createCanaryMachine(world), {
      clock, input: canary, kind: 'canary',
      onTransition: (s, handle) => {
        if (describePhase(s).phase === 'pause' && world.groups.get(BLUE)!.desired === 10) scaleBlue(world, 12);
        watch(s, handle);
      },
    });
    expect(result.output).toMatchObject({ status: 'succeeded' });
    expect(sent).toEqual([2]);
    expect(world.log.filter((l) => /^(scaleGreen|setTrafficWeight|deregisterBlue)/.test(l))).toEqual([
      'scaleGreen 1', 'setTrafficWeight 10 green=1 blue=9',
      // The pause: green grows to 10 % of 12 and the weight is set again over 12, then the pause goes on.
      'scaleGreen 2', 'setTrafficWeight 10 green=2 blue=10',
      'scaleGreen 6', 'setTrafficWeight 50 green=6 blue=6',
      'scaleGreen 12', 'deregisterBlue green=12/12',
    ]);
    // The pause was not cut short by the re-sizing: weight 50 comes 300 s after weight 10 at the earliest.
    const at = (op: string) => world.times.find((t) => t.op.startsWith(op))!.atMs;
    expect(at('setTrafficWeight 50') - at('setTrafficWeight 10')).toBeGreaterThanOrEqual(300_000);
    expect(world.groups.get('shop-v002')!.desired).toBe(12);
  });
});
