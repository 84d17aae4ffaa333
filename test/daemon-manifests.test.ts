import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveEventQueue } from '../src/main/daemon';
import { desiredFleet } from './support/planner/fixtures';
import { createDaemonEnv, fleetYaml, recordingFactory, type DaemonEnv } from './daemon-env';
import { stopAfterEach } from './support/daemon-hooks';
import { drover } from './support/cli';
import { localStatusNow } from '../src/status/status-store';

describe('drover daemon: manifests', () => {
  let env: DaemonEnv;
  stopAfterEach(() => env);

  it('an invalid manifest keeps its fleet at the last good spec, reports FILE:LINE:COL, and leaves other fleets alone', async () => {
    const rec = recordingFactory();
    env = createDaemonEnv({
      manifests: { 'shop.yaml': fleetYaml(), 'blog.yaml': fleetYaml({ name: 'blog' }) },
      options: { reconcilerFactory: rec.factory, manifestPollMs: 2_000 },
    });
    await env.daemon.start();
    expect(env.daemon.loop.fleetList().map((f) => f.name).sort()).toEqual(['blog', 'shop']);
    fs.writeFileSync(path.join(env.dir, 'shop.yaml'), fleetYaml({ max: 3 }).replace('type: t3.small', 'type: t3.small\n    cores: 4'));
    fs.writeFileSync(path.join(env.dir, 'blog.yaml'), fleetYaml({ name: 'blog', max: 5 }));
    expect(await env.drive(10_000, () => env.daemon.snapshot().errors.length > 0)).toBe(true);
    const [problem] = env.daemon.snapshot().errors;
    expect(problem).toMatchObject({ file: path.join(env.dir, 'shop.yaml'), line: expect.any(Number), col: expect.any(Number) });
    expect(problem.message).toContain('cores');
    expect(env.daemon.loop.fleet('shop')!.instances.type).toBe('t3.small');
    expect(env.daemon.loop.fleet('blog')!.capacity.max).toBe(5);
    const logged = env.logger.events('manifests.invalid')[0];
    expect(logged).toMatchObject({ level: 'error', component: 'manifests', file: problem.file, keptFleets: ['shop'] });
    expect(logged.msg).toMatch(new RegExp(`shop\\.yaml:${problem.line}:${problem.col}: `));
    const api = JSON.parse((await env.get('/api/v1/manifests')).text);
    expect(api.errors).toEqual([problem]);
    // Fixed again: the new spec is picked up and the error clears.
    fs.writeFileSync(path.join(env.dir, 'shop.yaml'), fleetYaml({ max: 2 }));
    expect(await env.drive(10_000, () => env.daemon.snapshot().errors.length === 0)).toBe(true);
    expect(env.daemon.loop.fleet('shop')!.capacity.max).toBe(2);
  });

  it('a second file declaring a running fleet changes nothing: ManifestConflict names both files until one goes', async () => {
    env = createDaemonEnv({ manifests: { 'shop.yaml': fleetYaml({ min: 2 }) }, options: { manifestPollMs: 2_000 } });
    await env.daemon.start();
    expect(await env.drive(15 * 60_000, () => env.sim.inServiceCount('shop-elb') === 2)).toBe(true);
    const sizes = () => env.sim.groups().map((g) => ({ name: g.name, min: g.min, max: g.max, desired: g.desired, instances: g.instances.map((i) => i.id) }));
    const groupsBefore = sizes();
    const updates = () => env.sim.calls.filter((c) => c.operation === 'UpdateAutoScalingGroup' || c.operation === 'SetDesiredCapacity').length;
    const updatesBefore = updates();
    // Alphabetically first: the old loader kept this one and scaled the fleet to 0/0.
    const collide = path.join(env.dir, 'aa-collide.yaml');
    fs.writeFileSync(collide, fleetYaml({ min: 0 }));
    const conflicted = () => localStatusNow(env.stateDir, 'shop')?.conditions.some((c) => c.reason === 'ManifestConflict') ?? false;
    expect(await env.drive(60_000, conflicted)).toBe(true);
    await env.drive(5 * 60_000);
    expect(env.daemon.loop.fleet('shop')!.capacity).toMatchObject({ min: 2, desired: 2 });
    expect(updates()).toBe(updatesBefore);
    expect(sizes()).toEqual(groupsBefore);
    expect(env.sim.inServiceCount('shop-elb')).toBe(2);
    const described = await drover('describe', 'fleet', 'shop', '--state-dir', env.stateDir);
    expect(described.stdout).toContain('ManifestConflict');
    expect(described.stdout).toContain(`${collide}:1:1`);
    expect(described.stdout).toContain(`${path.join(env.dir, 'shop.yaml')}:1:1`);
    const events = await drover('events', 'shop', '--state-dir', env.stateDir);
    expect(events.stdout).toContain('ManifestConflict');
    // The bad file goes: the condition clears, the fleet carries on.
    fs.rmSync(collide);
    expect(await env.drive(60_000, () => !conflicted())).toBe(true);
    const valid = localStatusNow(env.stateDir, 'shop')!.conditions.find((c) => c.type === 'ManifestValid')!;
    expect(valid).toMatchObject({ status: 'True', reason: 'Valid' });
    expect(env.sim.inServiceCount('shop-elb')).toBe(2);
  });

  it('a broken manifest file shows as ManifestInvalid with FILE:LINE:COL on its fleet', async () => {
    env = createDaemonEnv({ options: { manifestPollMs: 2_000 } });
    await env.daemon.start();
    expect(await env.drive(15 * 60_000, () => env.sim.inServiceCount('shop-elb') === 1)).toBe(true);
    fs.writeFileSync(path.join(env.dir, 'shop.yaml'), fleetYaml().replace('type: t3.small', 'type: t3.small\n    cores: 4'));
    const invalid = () => localStatusNow(env.stateDir, 'shop')?.conditions.find((c) => c.reason === 'ManifestInvalid');
    expect(await env.drive(60_000, () => !!invalid())).toBe(true);
    expect(invalid()!.message).toMatch(new RegExp(`shop\\.yaml:\\d+:\\d+: .*cores`));
    expect(localStatusNow(env.stateDir, 'shop')!.phase).toBe('Failed');
  });

  it('a manifest file that disappears leaves the fleet running and Orphaned in status until it is declared again', async () => {
    env = createDaemonEnv({ options: { manifestPollMs: 2_000 } });
    await env.daemon.start();
    expect(await env.drive(15 * 60_000, () => env.sim.inServiceCount('shop-elb') === 1)).toBe(true);
    const file = path.join(env.dir, 'shop.yaml');
    const text = fs.readFileSync(file, 'utf8');
    fs.rmSync(file);
    const orphaned = () => localStatusNow(env.stateDir, 'shop')?.conditions.find((c) => c.type === 'Orphaned');
    expect(await env.drive(60_000, () => !!orphaned())).toBe(true);
    expect(orphaned()!.message).toContain("drover delete fleet shop");
    await env.drive(5 * 60_000);
    expect(env.sim.groups().map((g) => [g.name, g.desired])).toEqual([['shop-v001', 1]]);
    expect(env.sim.inServiceCount('shop-elb')).toBe(1);
    const events = await drover('events', 'shop', '--state-dir', env.stateDir);
    expect(events.stdout).toContain('Orphaned');
    fs.writeFileSync(file, text);
    expect(await env.drive(60_000, () => !orphaned())).toBe(true);
    expect(env.daemon.loop.fleet('shop')).toBeDefined();
  });

  it('spec.deletion: true committed to the directory deletes the fleet, hooks and all, and reports Deleted', async () => {
    env = createDaemonEnv({ options: { manifestPollMs: 2_000 } });
    await env.daemon.start();
    expect(await env.drive(15 * 60_000, () => env.sim.inServiceCount('shop-elb') === 1)).toBe(true);
    expect(Object.keys(env.sim.snapshot().hooks).length).toBeGreaterThan(0);
    fs.writeFileSync(path.join(env.dir, 'shop.yaml'), fleetYaml({ extra: '  deletion: true\n' }));
    const deleted = () => localStatusNow(env.stateDir, 'shop')?.conditions.some((c) => c.type === 'Ready' && c.reason === 'Deleted') ?? false;
    expect(await env.drive(30 * 60_000, deleted)).toBe(true);
    const world = env.sim.snapshot();
    expect(env.sim.groups()).toEqual([]);
    expect(Object.keys(world.loadBalancers)).toEqual([]);
    expect(Object.keys(world.launchTemplates)).toEqual([]);
    expect(Object.keys(world.alarms)).toEqual([]);
    expect(Object.keys(world.hooks)).toEqual([]);
  });

  it('a manifest taking a running fleet to 0 is refused (ScaleToZeroRefused) until it says allowZero: true', async () => {
    env = createDaemonEnv({ manifests: { 'shop.yaml': fleetYaml({ min: 2 }) }, options: { manifestPollMs: 2_000 } });
    await env.daemon.start();
    expect(await env.drive(15 * 60_000, () => env.sim.inServiceCount('shop-elb') === 2)).toBe(true);
    const file = path.join(env.dir, 'shop.yaml');
    fs.writeFileSync(file, fleetYaml({ min: 0 }));
    const degraded = () => localStatusNow(env.stateDir, 'shop')?.conditions.find((c) => c.type === 'Degraded');
    expect(await env.drive(60_000, () => degraded()?.reason === 'ScaleToZeroRefused')).toBe(true);
    expect(degraded()!.message).toContain('spec.capacity.allowZero: true');
    await env.drive(5 * 60_000);
    expect(env.sim.groups().map((g) => [g.min, g.desired])).toEqual([[2, 2]]);
    fs.writeFileSync(file, fleetYaml({ min: 0 }).replace('desired: 0}', 'desired: 0, allowZero: true}'));
    expect(await env.drive(60_000, () => env.sim.groups()[0]?.min === 0)).toBe(true);
  });

  it('refuses to start when fleets name different event queues, listing them', () => {
    const a = desiredFleet({ name: 'a', events: { queue: 'q1' } });
    const b = desiredFleet({ name: 'b', events: { queue: 'q2' } });
    expect(() => resolveEventQueue(undefined, [a, b])).toThrow('fleets name different event queues (a: q1, b: q2)');
    expect(resolveEventQueue('flag', [a, b])).toBe('flag');
    expect(resolveEventQueue(undefined, [a, desiredFleet({ name: 'c' })])).toBe('q1');
  });
});
