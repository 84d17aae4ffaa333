import type { ActionRef, ElbInstanceHealth, LifecycleActionsPort, WaitingInstance } from '../../providers/autoscaling/lifecycle-actions';
import { flush } from '../../../test/support/deploy/drive';
import { createMemoryLogger } from '../../log/logger';
import { desiredFleet } from '../../../test/support/planner/fixtures';
import { VirtualClock } from '../../util/clock';
import { LifecycleHookHandler, lifecycleTiming } from './lifecycle-hooks';

/** A fake port: instance states and ELB health over virtual time, and a record of answers. */
function fakePort(clock: VirtualClock) {
  const t0 = clock.nowMs();
  const state = { runningAfterMs: 45_000, elbRegisteredUntilMs: 30_000, over: false, waiting: [] as WaitingInstance[] };
  const answers: Array<{ ref: ActionRef; result: string; atMs: number }> = [];
  const beats: number[] = [];
  const port: LifecycleActionsPort = {
    instanceState: async () => (clock.nowMs() - t0 >= state.runningAfterMs ? 'running' : 'pending'),
    elbHealth: async (): Promise<ElbInstanceHealth> => {
      const registered = clock.nowMs() - t0 < state.elbRegisteredUntilMs;
      return { registered, state: registered ? 'InService' : 'OutOfService', draining: registered };
    },
    complete: async (ref, result) => {
      if (state.over || answers.length) return false;
      answers.push({ ref, result, atMs: clock.nowMs() - t0 });
      return true;
    },
    heartbeat: async () => {
      beats.push(clock.nowMs() - t0);
      return !state.over;
    },
    waitingInstances: async () => state.waiting,
  };
  return { port, state, answers, beats };
}

async function run(clock: VirtualClock, ms: number, stepMs = 1_000) {
  for (let t = 0; t < ms; t += stepMs) {
    await flush();
    clock.advance(stepMs);
  }
  await flush();
}

const fleet = desiredFleet(); // health check 10 s x 2, grace 300 s, draining 30 s
const launch = { groupName: 'magento-marketplace-v001', hookName: 'drover-launching', instanceId: 'i-0123456789abcdef0', transition: 'launching' as const, token: 'tok-1', heartbeatTimeout: 300 };

function setup() {
  const clock = new VirtualClock();
  const fake = fakePort(clock);
  const logger = createMemoryLogger();
  const handler = new LifecycleHookHandler({ port: fake.port, clock, logger, pollMs: 5_000 });
  return { clock, fake, logger, handler };
}

describe('LifecycleHookHandler', () => {
  it('derives its waits from the fleet: warm-up interval x threshold, launch timeout grace + 2 x that, drain + 60 s', () => {
    expect(lifecycleTiming(fleet)).toEqual({ warmUpMs: 20_000, launchTimeoutMs: 340_000, drainTimeoutMs: 90_000 });
  });

  it('continues a launch once the instance has run for the warm-up, and ignores a duplicate event', async () => {
    const { clock, fake, handler, logger } = setup();
    expect(handler.handle(fleet, launch)).toBe(true);
    expect(handler.handle(fleet, launch)).toBe(false);
    await run(clock, 120_000);
    expect(fake.answers).toEqual([{ ref: { groupName: launch.groupName, hookName: 'drover-launching', instanceId: launch.instanceId, token: 'tok-1' }, result: 'CONTINUE', atMs: 65_000 }]);
    expect(handler.handle(fleet, launch)).toBe(false);
    expect(logger.events('lifecycle.action_duplicate')).toHaveLength(2);
    expect(fake.beats).toEqual([]);
  });

  it('abandons an instance that never runs, with heartbeats while it waits past half the heartbeat timeout', async () => {
    const { clock, fake, handler } = setup();
    fake.state.runningAfterMs = Infinity;
    handler.handle(fleet, launch);
    await run(clock, 400_000);
    expect(fake.answers.map((a) => [a.result, a.atMs])).toEqual([['ABANDON', 340_000]]);
    expect(fake.beats).toEqual([150_000, 300_000]);
  });

  it('treats an action that is already over as done, without an error', async () => {
    const { clock, fake, handler, logger } = setup();
    fake.state.over = true;
    handler.handle(fleet, launch);
    await run(clock, 120_000);
    expect(fake.answers).toEqual([]);
    expect(logger.events('lifecycle.action_already_done')).toHaveLength(1);
    expect(logger.events('lifecycle.action_failed')).toHaveLength(0);
  });

  it('lets a leaving instance drain on the load balancer before continuing its termination', async () => {
    const { clock, fake, handler } = setup();
    handler.handle(fleet, { ...launch, hookName: 'drover-terminating', transition: 'terminating' });
    await run(clock, 60_000);
    expect(fake.answers.map((a) => [a.result, a.atMs])).toEqual([['CONTINUE', 30_000]]);
  });

  it('adopts waiting instances nobody told it about, by instance id', async () => {
    const { clock, fake, handler } = setup();
    fake.state.waiting = [{ groupName: launch.groupName, instanceId: 'i-0aaaaaaaaaaaaaaa1', transition: 'launching' }];
    expect(await handler.sweep(fleet)).toBe(1);
    expect(await handler.sweep(fleet)).toBe(0);
    await run(clock, 120_000);
    expect(fake.answers[0].ref).toEqual({ groupName: launch.groupName, hookName: 'drover-launching', instanceId: 'i-0aaaaaaaaaaaaaaa1' });
  });

  it('stop() aborts the waits without answering', async () => {
    const { clock, fake, handler } = setup();
    handler.handle(fleet, launch);
    await run(clock, 10_000);
    await handler.stop();
    await run(clock, 120_000);
    expect(fake.answers).toEqual([]);
    expect(handler.active()).toBe(0);
    expect(handler.handle(fleet, { ...launch, instanceId: 'i-0bbbbbbbbbbbbbbb2' })).toBe(false);
  });
});
