import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveEventQueue } from '../src/main/daemon';
import { desiredFleet } from '../src/planner/fixtures';
import { createDaemonEnv, fleetYaml, recordingFactory, type DaemonEnv } from './daemon-env';

describe('drover daemon: manifests', () => {
  let env: DaemonEnv;
  afterEach(async () => {
    await env?.stop();
    env?.cleanup();
  });

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

  it('refuses to start when fleets name different event queues, listing them', () => {
    const a = desiredFleet({ name: 'a', events: { queue: 'q1' } });
    const b = desiredFleet({ name: 'b', events: { queue: 'q2' } });
    expect(() => resolveEventQueue(undefined, [a, b])).toThrow('fleets name different event queues (a: q1, b: q2)');
    expect(resolveEventQueue('flag', [a, b])).toBe('flag');
    expect(resolveEventQueue(undefined, [a, desiredFleet({ name: 'c' })])).toBe('q1');
  });
});
