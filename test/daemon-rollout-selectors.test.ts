/**
 * Rollout controls with `-l` through the CLI against a running daemon (simulated account, virtual
 * time): two fleets labelled team=web, `shop` deploying blue/green and `blog` a canary. One
 * `rollout pause -l team=web` hands a fact per fleet to the daemon through the inbox; the swap
 * holds before cut-over, the canary before its next step; `promote -l --full` finishes both.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { localStatusNow } from '../src/status/status-store';
import { createDaemonEnv, fleetYaml, type DaemonEnv } from './daemon-env';
import { drover } from './support/cli';
import { daemonHoldingLockPerTest, DEPLOYING } from './support/daemon-hooks';

const BLUE_GREEN = '  deploy: {healthyTimeout: 10m, soak: 2m, keepPrevious: 30m}\n';
const CANARY = '  deploy:\n    strategy: canary\n    keepPrevious: 30m\n    canary:\n      steps: [{setWeight: 50}, {pause: 30m}]\n';

function yaml(name: string, ami: string, extra: string): string {
  return fleetYaml({ name, ami, min: 2, max: 4, extra }).replace(`  name: ${name}\n`, `  name: ${name}\n  labels: {team: web, app: ${name}}\n`);
}

describe('rollout controls with -l through the CLI, against a daemon', () => {
  let env: DaemonEnv;
  const status = (fleet: string) => localStatusNow(env.stateDir, fleet);
  const deployment = (fleet: string) => status(fleet)?.deployment;
  const cli = (...args: string[]) => drover('rollout', ...args, '--state-dir', env.stateDir);
  const deploy = (ami: string) => {
    fs.writeFileSync(path.join(env.dir, 'shop.yaml'), yaml('shop', ami, BLUE_GREEN));
    fs.writeFileSync(path.join(env.dir, 'blog.yaml'), yaml('blog', ami, CANARY));
  };

  // The daemon holds the state directory's lock, as `drover daemon` does: the CLI hands facts over through the inbox.
  daemonHoldingLockPerTest(
    () => (env = createDaemonEnv({ manifests: { 'shop.yaml': yaml('shop', 'ami-0a1b2c3d4e5f60001', BLUE_GREEN), 'blog.yaml': yaml('blog', 'ami-0a1b2c3d4e5f60001', CANARY) }, options: DEPLOYING })),
    () => status('shop')?.phase === 'Ready' && status('blog')?.phase === 'Ready',
  );

  it('pause -l holds the swap and the canary, promote -l --full finishes both; no match exits 1', async () => {
    deploy('ami-0a1b2c3d4e5f60002');
    expect(await env.drive(10 * 60_000, () => deployment('shop')?.result === 'InProgress' && deployment('blog')?.result === 'InProgress')).toBe(true);
    expect(deployment('blog')?.kind).toBe('canary');

    const pause = await cli('pause', '-l', 'team=web');
    expect(pause.code).toBe(0);
    expect(pause.stdout).toMatch(/^blog: rollout pause of canary-\S+ .*handed over through the inbox to daemon \(pid \d+\).*\nshop: rollout pause of swap-\S+ .*handed over through the inbox/s);
    expect(fs.readdirSync(path.join(env.stateDir, 'inbox'))).toHaveLength(2);

    expect(await env.drive(20 * 60_000, () => deployment('shop')?.phase === 'paused' && deployment('blog')?.phase === 'held')).toBe(true);
    // Held for 40 more minutes (past the canary's 30-minute pause): neither moves.
    expect(await env.drive(40 * 60_000, () => deployment('shop')?.phase !== 'paused' || deployment('blog')?.phase !== 'held')).toBe(false);
    expect(env.sim.groups().filter((g) => !g.deleting).map((g) => g.name).sort()).toEqual(['blog-v001', 'blog-v002', 'shop-v001', 'shop-v002']);

    const none = await cli('abort', '-l', 'team=ops');
    expect(none).toMatchObject({ code: 1, stdout: '', stderr: expect.stringMatching(/^Error: no fleet's labels match -l team=ops/) });

    const promote = await cli('promote', '-l', 'team=web', '--full', '-o', 'json');
    expect(promote.code).toBe(0);
    const items = (JSON.parse(promote.stdout) as { items: Array<{ fleet: string; control: string; args: { full?: boolean } }> }).items;
    expect(items.map((i) => [i.fleet, i.control, i.args.full])).toEqual([['blog', 'promote', true], ['shop', 'promote', true]]);
    const promotedAt = env.clock.nowMs();
    // Without promote: the canary's 30-minute pause, then 30 minutes of keepPrevious each.
    expect(await env.drive(60 * 60_000, () => deployment('shop')?.result === 'Succeeded' && deployment('blog')?.result === 'Succeeded')).toBe(true);
    expect(env.clock.nowMs() - promotedAt).toBeLessThan(20 * 60_000);
    expect(env.sim.groups().filter((g) => !g.deleting).map((g) => g.name).sort()).toEqual(['blog-v002', 'shop-v002']);

    for (const fleet of ['shop', 'blog']) {
      const events = (await drover('events', fleet, '--state-dir', env.stateDir)).stdout;
      for (const reason of ['RolloutPauseRequested', 'RolloutPauseApplied', 'RolloutPromoteApplied']) expect(events).toContain(reason);
    }
  });

  it('undo after cut-over brings blue back on the swap, abort -l during the canary\'s pause returns traffic to blue; asking twice records once', async () => {
    deploy('ami-0a1b2c3d4e5f60002');
    let minServing = Infinity;
    const watch = (until: () => boolean) => () => ((minServing = Math.min(minServing, env.sim.inServiceCount('shop-elb'))), until());
    expect(await env.drive(30 * 60_000, watch(() => deployment('shop')?.phase === 'keepPrevious' && deployment('blog')?.phase === 'pause'))).toBe(true);

    const undo = await cli('undo', 'shop');
    expect(undo).toMatchObject({ code: 0, stdout: expect.stringMatching(/rollout undo of swap-\S+ .*handed over through the inbox to daemon/) });
    expect(await cli('undo', 'shop')).toMatchObject({ code: 0, stdout: expect.stringMatching(/already requested .*nothing new recorded/) });
    const abort = await cli('abort', '-l', 'app=blog', '-o', 'name');
    expect(abort).toEqual({ code: 0, stdout: 'fleet/blog\n', stderr: '' });
    expect(await cli('abort', '-l', 'app=blog')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^blog: .*already requested/) });
    expect(fs.readdirSync(path.join(env.stateDir, 'inbox'))).toHaveLength(2);

    expect(await env.drive(30 * 60_000, watch(() => deployment('shop')?.result === 'RolledBack' && deployment('blog')?.result === 'RolledBack'))).toBe(true);
    expect(deployment('shop')).toMatchObject({ reason: 'Undo' });
    expect(deployment('blog')).toMatchObject({ reason: 'Aborted' });
    // Serving capacity never fell below desired (2) on the swap while it went back.
    expect(minServing).toBeGreaterThanOrEqual(2);
    expect(env.sim.inServiceCount('blog-elb')).toBeGreaterThanOrEqual(2);
    expect(env.sim.groups().filter((g) => !g.deleting).map((g) => g.name).sort()).toEqual(['blog-v001', 'shop-v001']);
    expect((await drover('events', 'shop', '--state-dir', env.stateDir)).stdout).toContain('RolloutUndoApplied');
    expect((await drover('events', 'blog', '--state-dir', env.stateDir)).stdout).toContain('RolloutAbortApplied');
  });
});

describe('rollout pause and resume of a rolling deployment through the CLI, against a daemon', () => {
  const ROLLING = '  deploy: {strategy: rolling, minHealthyPercent: 50}\n';
  let env: DaemonEnv;
  const deployment = () => localStatusNow(env.stateDir, 'shop')?.deployment;
  const onNew = () => env.sim.instances().filter((i) => i.group === 'shop-v001' && i.imageId === 'ami-0a1b2c3d4e5f60002' && i.state === 'running').map((i) => i.id);

  daemonHoldingLockPerTest(
    () => (env = createDaemonEnv({ manifests: { 'shop.yaml': yaml('shop', 'ami-0a1b2c3d4e5f60001', ROLLING) }, options: DEPLOYING })),
    () => localStatusNow(env.stateDir, 'shop')?.phase === 'Ready',
  );

  it('pause after the first batch holds the refresh (no new batch for an hour, serving), resume finishes it', async () => {
    fs.writeFileSync(path.join(env.dir, 'shop.yaml'), yaml('shop', 'ami-0a1b2c3d4e5f60002', ROLLING));
    expect(await env.drive(30 * 60_000, () => deployment()?.kind === 'rolling' && onNew().length > 0)).toBe(true);
    const pause = await drover('rollout', 'pause', '-l', 'app=shop', '--state-dir', env.stateDir);
    expect(pause).toMatchObject({ code: 0, stdout: expect.stringMatching(/^shop: rollout pause of rolling-\S+ .*handed over through the inbox to daemon/) });
    expect(await env.drive(10 * 60_000, () => deployment()?.phase === 'paused')).toBe(true);
    expect(deployment()?.message).toMatch(/paused between batches/);
    const replaced = onNew();
    expect(replaced.length).toBeLessThan(2);
    let minServing = Infinity;
    expect(await env.drive(60 * 60_000, () => ((minServing = Math.min(minServing, env.sim.inServiceCount('shop-elb'))), deployment()?.phase !== 'paused'))).toBe(false);
    expect(replaced).toEqual(expect.arrayContaining(onNew()));
    expect(minServing).toBeGreaterThanOrEqual(1);
    expect(env.sim.group('shop-v001')!.suspended).toContain('InstanceRefresh');

    expect((await drover('rollout', 'resume', 'shop', '--state-dir', env.stateDir)).code).toBe(0);
    expect(await env.drive(60 * 60_000, () => deployment()?.result === 'Succeeded')).toBe(true);
    expect(onNew()).toHaveLength(2);
    expect(env.sim.group('shop-v001')!.suspended).not.toContain('InstanceRefresh');
    const events = (await drover('events', 'shop', '--state-dir', env.stateDir)).stdout;
    for (const reason of ['RolloutPauseApplied', 'RolloutResumeApplied']) expect(events).toContain(reason);
  });
});
