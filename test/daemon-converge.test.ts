import { KIND_FLEET_STATUS } from '../src/model/fleet-status';
import { createDaemonEnv, recordingFactory, type DaemonEnv } from './daemon-env';
import { stopAfterEach } from './support/daemon-hooks';

describe('drover daemon: converging fleets', () => {
  let env: DaemonEnv;
  stopAfterEach(() => env);

  it('converges a fleet from nothing; /readyz is 503 until every fleet was observed, then 200', async () => {
    const rec = recordingFactory();
    // The first reconcile waits for the /readyz probe below (the AWS budgets' bursts no longer slow it).
    let release!: () => void;
    const probed = new Promise<void>((resolve) => (release = resolve));
    const gated = (ctx: Parameters<typeof rec.factory>[0]) => {
      const r = rec.factory(ctx);
      const reconcile = r.reconcile;
      r.reconcile = async (fleet, signal) => (await probed, reconcile(fleet, signal));
      return r;
    };
    env = createDaemonEnv({ options: { reconcilerFactory: gated } });
    expect(env.daemon.readiness().ready).toBe(false);
    await env.daemon.start();
    expect((await env.get('/healthz')).status).toBe(200);
    const before = await env.get('/readyz');
    expect(before.status).toBe(503);
    expect(JSON.parse(before.text).reasons).toEqual(['fleet shop has not been observed yet']);
    release();
    const converged = await env.drive(15 * 60_000, () => env.sim.inServiceCount('shop-elb') === 1);
    expect(converged).toBe(true);
    expect((await env.get('/readyz')).status).toBe(200);
    // The daemon's AWS budgets are exposed, one series per service and class, at the documented rates.
    const budgets = (await env.get('/metrics')).text;
    expect(budgets).toContain('drover_aws_rate_limit_per_second{service="EC2",class="read"} 20');
    expect(budgets).toContain('drover_aws_rate_limit_per_second{service="AutoScaling",class="all"} 20');
    // Hooks were put on the group, without a notification target (EventBridge events to the queue).
    const hooks = env.sim.snapshot().hooks;
    expect(Object.keys(hooks).sort()).toEqual(['shop-v001/drover-launching', 'shop-v001/drover-terminating']);
    expect(hooks['shop-v001/drover-terminating']).toMatchObject({ heartbeatTimeout: 90, defaultResult: 'CONTINUE', targetArn: undefined });
    const status = JSON.parse((await env.get('/api/v1/fleets')).text);
    expect(status).toMatchObject({ kind: KIND_FLEET_STATUS, items: [expect.objectContaining({ name: 'shop' })] });
    // Alone on a state directory, the daemon owns every fleet: OWNER is its replica id (hostname-pid-random).
    expect(status.items[0].owner).toMatch(/^[a-z0-9.-]+-\d+-[0-9a-f]{6}$/);
    expect((await env.get('/api/v1/fleets/shop')).status).toBe(200);
    const missing = await env.get('/api/v1/fleets/nope');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text)).toEqual({ error: 'fleet "nope" not found' });
    expect(rec.get().reconciles.length).toBeGreaterThan(1);
    const metrics = (await env.get('/metrics')).text;
    for (const name of [
      'drover_reconciles_total',
      'drover_reconcile_duration_seconds',
      'drover_aws_calls_total',
      'drover_workqueue_depth',
      'drover_workqueue_oldest_age_seconds',
      'drover_deployments_total',
      'drover_messages_total',
    ]) {
      expect(metrics).toContain(`# TYPE ${name} `);
    }
    expect(metrics).toMatch(/drover_reconciles_total\{fleet="shop",result="success"\} [1-9]/);
    // The hooks came with the group (LifecycleHookSpecificationList): none had to be put afterwards.
    expect(metrics).toMatch(/drover_aws_calls_total\{service="AutoScaling",operation="CreateAutoScalingGroup",outcome="ok"\} 1/);
    expect(metrics).not.toMatch(/operation="PutLifecycleHook"/);
  });
});
