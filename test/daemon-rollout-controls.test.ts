/**
 * Rollout controls through the CLI against a running daemon on the simulated account (virtual
 * time). The daemon holds the state directory's lock, as `drover daemon` does, so the CLI hands
 * each fact over through `<state-dir>/inbox/`; the daemon picks it up within seconds.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { localStatusNow } from '../src/status/status-store';
import { createDaemonEnv, fleetYaml, type DaemonEnv } from './daemon-env';
import { drover } from './support/cli';
import { daemonHoldingLockPerTest, DEPLOYING } from './support/daemon-hooks';

const DEPLOY = '  deploy: {healthyTimeout: 10m, soak: 2m, keepPrevious: 10m}\n';
const amiYaml = (ami: string) => fleetYaml({ ami, min: 2, max: 4, extra: DEPLOY });

describe('rollout controls through the CLI, against a daemon', () => {
  let env: DaemonEnv;
  // The daemon takes the state directory's lock inside its own invocation, as `drover daemon` does.
  daemonHoldingLockPerTest(
    () => (env = createDaemonEnv({ manifests: { 'shop.yaml': amiYaml('ami-0a1b2c3d4e5f60001') }, options: DEPLOYING })),
    () => status()?.phase === 'Ready',
  );

  const status = () => localStatusNow(env.stateDir, 'shop');
  const deployment = () => status()?.deployment;
  const cli = (...args: string[]) => drover('rollout', ...args, 'shop', '--state-dir', env.stateDir);
  const deploy = (ami: string) => fs.writeFileSync(path.join(env.dir, 'shop.yaml'), amiYaml(ami));
  const live = () => env.sim.groups().filter((g) => !g.deleting).map((g) => g.name);
  /** Drive while sampling serving capacity at every step. */
  const driveWatching = async (ms: number, until: () => boolean) => {
    let minServing = Infinity;
    const done = await env.drive(ms, () => ((minServing = Math.min(minServing, env.sim.inServiceCount('shop-elb'))), until()));
    return { done, minServing };
  };

  it('pause holds before cut-over (capacity kept), a repeat is one fact, resume goes on, promote skips keepPrevious', async () => {
    deploy('ami-0a1b2c3d4e5f60002');
    expect(await env.drive(10 * 60_000, () => deployment()?.kind === 'swap' && deployment()?.result === 'InProgress')).toBe(true);
    const pause = await cli('pause');
    expect(pause.code).toBe(0);
    expect(pause.stdout).toMatch(/handed over through the inbox to daemon \(pid \d+\)/);
    expect(fs.readdirSync(path.join(env.stateDir, 'inbox'))).toHaveLength(1);
    const inboxAt = env.clock.nowMs();
    expect(await env.drive(60_000, () => !fs.readdirSync(path.join(env.stateDir, 'inbox')).length)).toBe(true);
    expect(env.clock.nowMs() - inboxAt).toBeLessThanOrEqual(10_000);

    const held = await driveWatching(20 * 60_000, () => deployment()?.phase === 'paused');
    expect(held.done).toBe(true);
    expect(held.minServing).toBeGreaterThanOrEqual(2);
    // Paused for ten more minutes: green healthy beside blue, nothing cut over.
    const still = await driveWatching(10 * 60_000, () => deployment()?.phase !== 'paused');
    expect(still).toEqual({ done: false, minServing: 4 });
    expect(live().sort()).toEqual(['shop-v001', 'shop-v002']);

    const again = await cli('pause');
    expect(again).toMatchObject({ code: 0, stdout: expect.stringMatching(/already requested/) });

    expect((await cli('resume')).code).toBe(0);
    // Paused, the fleet is watched only every minute; the inbox watch brings the resume in within seconds.
    const resumedAt = env.clock.nowMs();
    expect(await env.drive(60_000, () => deployment()?.phase !== 'paused')).toBe(true);
    expect(env.clock.nowMs() - resumedAt).toBeLessThanOrEqual(10_000);
    const kept = await driveWatching(20 * 60_000, () => deployment()?.phase === 'keepPrevious');
    expect(kept).toEqual({ done: true, minServing: 2 });
    expect((await cli('promote')).code).toBe(0);
    const promotedAt = env.clock.nowMs();
    expect(await env.drive(5 * 60_000, () => deployment()?.result === 'Succeeded')).toBe(true);
    expect(env.clock.nowMs() - promotedAt).toBeLessThan(5 * 60_000);
    expect(live()).toEqual(['shop-v002']);

    const events = (await drover('events', 'shop', '--state-dir', env.stateDir)).stdout;
    for (const reason of ['RolloutPauseRequested', 'RolloutPauseApplied', 'RolloutResumeApplied', 'RolloutPromoteApplied']) expect(events).toContain(reason);
  });

  it('abort returns traffic to blue, retry redeploys the same image, undo --to-revision goes back; bad input changes nothing', async () => {
    deploy('ami-0a1b2c3d4e5f60002');
    expect(await env.drive(30 * 60_000, () => deployment()?.result === 'Succeeded')).toBe(true);
    deploy('ami-0a1b2c3d4e5f60003');
    expect(await env.drive(10 * 60_000, () => deployment()?.result === 'InProgress' && deployment()?.toAmi === 'ami-0a1b2c3d4e5f60003')).toBe(true);
    expect((await cli('pause')).code).toBe(0);
    expect(await env.drive(20 * 60_000, () => deployment()?.phase === 'paused')).toBe(true);
    expect((await cli('abort')).code).toBe(0);
    const back = await driveWatching(20 * 60_000, () => deployment()?.result !== 'InProgress');
    expect(back.done).toBe(true);
    expect(back.minServing).toBeGreaterThanOrEqual(2);
    expect(deployment()).toMatchObject({ result: 'RolledBack', reason: 'Aborted' });
    expect(live()).toEqual(['shop-v002']);

    // The fleet's intent (fleet memory, where controls live); the daemon keeps writing the record's status.
    const intent = () => JSON.stringify(JSON.parse(fs.readFileSync(path.join(env.stateDir, 'state', 'fleets', 'shop.json'), 'utf8')).sections.intent);
    const before = intent();
    const bad = await drover('rollout', 'undo', 'shop', '--to-revision', '3', '--state-dir', env.stateDir);
    expect(bad).toMatchObject({ code: 1, stderr: expect.stringMatching(/revision 3 of shop RolledBack; successful revisions: 1, 2/) });
    const unknown = await drover('rollout', 'abort', 'shpo', '--state-dir', env.stateDir);
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringMatching(/fleet "shpo" not found.*shop/) });
    expect((await cli('abort')).stderr).toMatch(/nothing to abort: shop has no deployment in progress/);
    await env.drive(10_000);
    expect(intent()).toBe(before);

    expect((await cli('retry')).code).toBe(0);
    expect(await env.drive(30 * 60_000, () => deployment()?.toAmi === 'ami-0a1b2c3d4e5f60003' && deployment()?.result === 'Succeeded')).toBe(true);
    expect(live()).toEqual(['shop-v004']);

    expect((await drover('rollout', 'undo', 'shop', '--to-revision', '2', '--state-dir', env.stateDir)).code).toBe(0);
    expect(await env.drive(30 * 60_000, () => deployment()?.toAmi === 'ami-0a1b2c3d4e5f60002' && deployment()?.result === 'Succeeded')).toBe(true);
    expect(live()).toEqual(['shop-v005']);
    const events = (await drover('events', 'shop', '--state-dir', env.stateDir)).stdout;
    for (const reason of ['RolloutAbortApplied', 'RolloutRetryApplied', 'RolloutUndoApplied']) expect(events).toContain(reason);
  });
});
