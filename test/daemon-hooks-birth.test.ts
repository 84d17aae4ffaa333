/**
 * Hooks from birth (issue 10, reproduction 6): under the daemon, every group drover creates
 * (the first one, and a deployment's green) carries drover's lifecycle hooks from its first
 * instant: CreateAutoScalingGroup names them, the first DescribeLifecycleHooks shows both, the
 * first instance waits in Pending:Wait, and no PutLifecycleHook is left pending during the swap
 * and keepPrevious: one removed by hand then is put back while the deployment runs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createDaemonEnv, fleetYaml, type DaemonEnv } from './daemon-env';
import { DEPLOYING, stopAfterEach } from './support/daemon-hooks';

const DEPLOY = '  deploy: {healthyTimeout: 10m, soak: 1m, keepPrevious: 10m}\n';
const HOOKS = ['drover-launching', 'drover-terminating'];

/** For each group: the hooks it had at the first tick it existed, and its first instance's first lifecycle state. */
function watchBirths(env: DaemonEnv) {
  const births = new Map<string, { hooks: string[]; firstState?: string }>();
  env.sim.onTick(() => {
    for (const g of env.sim.groups()) {
      const seen = births.get(g.name) ?? { hooks: Object.values(env.sim.snapshot().hooks as Record<string, { group: string; name: string }>).filter((h) => h.group === g.name).map((h) => h.name).sort() };
      if (!seen.firstState && g.instances.length) seen.firstState = g.instances[0].lifecycle;
      births.set(g.name, seen);
    }
  });
  return births;
}

const callsOn = (env: DaemonEnv, operation: string, group: string) =>
  env.sim.calls.filter((c) => c.operation === operation && !c.error && (c.input as { AutoScalingGroupName?: string }).AutoScalingGroupName === group);

describe('drover daemon: lifecycle hooks from birth', () => {
  let env: DaemonEnv;
  stopAfterEach(() => env);

  it('the first group and the green group carry both hooks from creation, through the swap and keepPrevious', async () => {
    env = createDaemonEnv({ manifests: { 'shop.yaml': fleetYaml({ extra: DEPLOY }) }, options: DEPLOYING });
    const births = watchBirths(env);
    await env.daemon.start();
    expect(await env.drive(20 * 60_000, () => env.sim.inServiceCount('shop-elb') === 1)).toBe(true);

    fs.writeFileSync(path.join(env.dir, 'shop.yaml'), fleetYaml({ ami: 'ami-0a1b2c3d4e5f60002', extra: DEPLOY }));
    const green = () => env.sim.group('shop-v002');
    // Through the swap and well into keepPrevious (blue kept at 0 for 10 minutes).
    expect(await env.drive(30 * 60_000, () => !!green() && env.sim.group('shop-v001')?.desired === 0)).toBe(true);
    await env.drive(5 * 60_000);

    for (const name of ['shop-v001', 'shop-v002']) {
      const [create] = callsOn(env, 'CreateAutoScalingGroup', name);
      const specs = (create.input as { LifecycleHookSpecificationList?: Array<{ LifecycleHookName: string }> }).LifecycleHookSpecificationList ?? [];
      expect(specs.map((h) => h.LifecycleHookName).sort()).toEqual(HOOKS);
      expect(births.get(name)).toEqual({ hooks: HOOKS, firstState: 'Pending:Wait' });
      // Never put afterwards: nothing was missing, so nothing stayed pending.
      expect(callsOn(env, 'PutLifecycleHook', name)).toEqual([]);
      const described = callsOn(env, 'DescribeLifecycleHooks', name);
      expect(described.length).toBeGreaterThan(0);
      expect(described[0].atMs).toBeGreaterThanOrEqual(create.atMs);
    }
    const hooks = await env.testClients.autoScaling.DescribeLifecycleHooks({ AutoScalingGroupName: 'shop-v002' });
    expect(hooks.LifecycleHooks?.map((h) => [h.LifecycleHookName, h.LifecycleTransition, h.DefaultResult]).sort()).toEqual([
      ['drover-launching', 'autoscaling:EC2_INSTANCE_LAUNCHING', 'CONTINUE'],
      ['drover-terminating', 'autoscaling:EC2_INSTANCE_TERMINATING', 'CONTINUE'],
    ]);
    expect(env.sim.inServiceCount('shop-elb')).toBe(1);

    // A hook removed by hand while the deployment still runs (keepPrevious) is put back at once.
    await env.testClients.autoScaling.DeleteLifecycleHook({ AutoScalingGroupName: 'shop-v002', LifecycleHookName: 'drover-launching' });
    expect(await env.drive(2 * 60_000, () => callsOn(env, 'PutLifecycleHook', 'shop-v002').length > 0)).toBe(true);
    expect(env.sim.group('shop-v001')).toBeDefined();
    expect(Object.keys(env.sim.snapshot().hooks).filter((k) => k.startsWith('shop-v002/')).sort()).toEqual(HOOKS.map((h) => `shop-v002/${h}`));
  });
});
