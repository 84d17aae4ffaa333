import { fleetReconciler } from '../src/main/fleet-reconciler';
import { createDaemonEnv, recordingFactory, type DaemonEnv } from './daemon-env';
import { stopAfterEach } from './support/daemon-hooks';

const GROUP = 'shop-v001';
const LB = 'shop-elb';

/** Every lifecycle state each instance of the group passed through, with when it first got there. */
function trackLifecycle(env: DaemonEnv) {
  const states = new Map<string, Map<string, number>>();
  env.sim.onTick((now) => {
    for (const i of env.sim.group(GROUP)?.instances ?? []) {
      const m = states.get(i.id) ?? new Map<string, number>();
      if (!m.has(i.lifecycle)) m.set(i.lifecycle, now);
      states.set(i.id, m);
    }
  });
  return states;
}

const completions = (env: DaemonEnv, hook: string) =>
  env.sim.calls.filter((c) => c.operation === 'CompleteLifecycleAction' && !c.error && (c.input as any).LifecycleHookName === hook);

describe('drover daemon: scaling through lifecycle hooks', () => {
  let env: DaemonEnv;
  stopAfterEach(() => env);

  async function converged() {
    const rec = recordingFactory();
    env = createDaemonEnv({ options: { reconcilerFactory: rec.factory } });
    const states = trackLifecycle(env);
    await env.daemon.start();
    const hooked = () => Object.keys(env.sim.snapshot().hooks).length === 2;
    expect(await env.drive(20 * 60_000, () => env.sim.inServiceCount(LB) === 1 && hooked())).toBe(true);
    return { rec, states };
  }

  it('scale-out: the alarm adds an instance, the launching hook holds it in Pending:Wait until drover completes it', async () => {
    const { rec, states } = await converged();
    const first = env.sim.group(GROUP)!.instances.map((i) => i.id);
    // The first instance was held by the hook too (hooks from birth): count completions from here on.
    const since = env.clock.nowMs();
    env.sim.setLoad(LB, 400);
    expect(await env.drive(30 * 60_000, () => env.sim.inServiceCount(LB) === 2)).toBe(true);
    const added = env.sim.group(GROUP)!.instances.map((i) => i.id).filter((id) => !first.includes(id));
    expect(added).toHaveLength(1);
    const path = states.get(added[0])!;
    // Pending:Proceed lasts no time once the instance is running: the next tick sees InService.
    expect([...path.keys()]).toEqual(['Pending:Wait', 'InService']);
    const done = completions(env, 'drover-launching').filter((c) => c.atMs >= since);
    expect(done).toHaveLength(1);
    expect(done[0].input).toMatchObject({ AutoScalingGroupName: GROUP, LifecycleActionResult: 'CONTINUE' });
    // Held until running plus a warm-up of interval x healthy threshold (10 s x 2), well before the 300 s heartbeat timeout.
    const held = path.get('InService')! - path.get('Pending:Wait')!;
    expect(held).toBeGreaterThanOrEqual(45_000 + 20_000);
    expect(held).toBeLessThan(300_000);
    expect(rec.get().alarms).toEqual(expect.arrayContaining([{ fleet: 'shop', name: expect.stringContaining('shop'), state: 'ALARM' }]));
    expect(env.logger.events('lifecycle.action_completed')).toEqual([
      expect.objectContaining({ fleet: 'shop', component: 'lifecycle', result: 'CONTINUE', instanceId: first[0] }),
      expect.objectContaining({ fleet: 'shop', component: 'lifecycle', result: 'CONTINUE', instanceId: added[0] }),
    ]);
    // The simulated account's lifecycle events are the fleet's own: same region, account, group and instance.
    expect(env.logger.events('intake.dropped')).toEqual([]);
    expect(env.logger.events('intake.routed').filter((r) => r.kind === 'lifecycle_action').length).toBeGreaterThan(0);
  });

  it('scale-in: the leaving instance drains on the load balancer before drover lets it terminate', async () => {
    await converged();
    env.sim.setLoad(LB, 400);
    expect(await env.drive(30 * 60_000, () => env.sim.inServiceCount(LB) === 2)).toBe(true);
    const states = trackLifecycle(env);
    env.sim.setLoad(LB, 0);
    expect(await env.drive(60 * 60_000, () => (env.sim.group(GROUP)?.instances.length ?? 0) === 1)).toBe(true);
    const [leaver] = [...states.entries()].filter(([, m]) => m.has('Terminating:Wait'));
    expect(leaver).toBeDefined();
    const [id, path] = leaver;
    const done = completions(env, 'drover-terminating');
    expect(done).toHaveLength(1);
    expect(done[0].input).toMatchObject({ AutoScalingGroupName: GROUP, LifecycleActionResult: 'CONTINUE' });
    // Connection draining (30 s) ran between leaving service and drover's answer.
    expect(path.get('Terminating:Wait')! - path.get('Terminating')!).toBeGreaterThanOrEqual(30_000);
    expect(done[0].atMs).toBeGreaterThanOrEqual(path.get('Terminating:Wait')!);
    expect(env.sim.inServiceCount(LB)).toBe(1);
    expect(env.sim.instances().find((i: any) => i.id === id)?.state).toMatch(/shutting-down|terminated/);
    expect(env.logger.events('intake.dropped')).toEqual([]);
  });

  it('stop() stops intake, lets the in-flight reconcile finish, then closes the reconciler, and returns', async () => {
    let slow = false;
    const marks: Record<string, number> = {};
    let passes = 0;
    env = createDaemonEnv({
      options: {
        reconcilerFactory: (ctx) => {
          const inner = fleetReconciler(ctx, { deployments: false });
          return {
            reconcile: async (fleet) => {
              passes++;
              const out = await inner.reconcile(fleet);
              if (slow) {
                marks.inFlight = ctx.clock.nowMs();
                await ctx.clock.sleep(10_000);
                marks.finished = ctx.clock.nowMs();
              }
              return out;
            },
            close: async () => void (marks.closed = ctx.clock.nowMs()),
          };
        },
      },
    });
    await env.daemon.start();
    expect(await env.drive(20 * 60_000, () => env.daemon.readiness().ready)).toBe(true);
    slow = true;
    env.daemon.loop.enqueue('shop');
    expect(await env.drive(60_000, () => marks.inFlight !== undefined, 100)).toBe(true);
    const before = passes;
    await env.stop();
    expect(marks.finished - marks.inFlight).toBe(10_000);
    expect(marks.closed).toBeGreaterThanOrEqual(marks.finished);
    expect(passes).toBe(before);
    expect(env.logger.events('intake.stopped')).toHaveLength(1);
    expect(env.logger.events('loop.shutdown_timed_out')).toHaveLength(0);
    expect(env.daemon.loop.queue.isShuttingDown()).toBe(true);
    const after = await fetch(`${env.daemon.http!.url}/healthz`).then(() => 'served', () => 'closed');
    expect(after).toBe('closed');
  });

});
