/**
 * `drover rollout pause|resume|abort` on a rolling deployment, through the CLI against the state
 * alone: pause suspends the group's InstanceRefresh process, so the refresh finishes the batch it
 * is replacing and starts no other (capacity stays served); resume lets it finish. Each is a fact
 * the next `drover apply --wait` acts on, and shows in `events`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SimAccount } from '../src/sim';
import { drover } from './support/cli';
import { writeExampleManifest } from './support/example-manifest';

const AMI = { base: 'ami-0a1b2c3d4e5f60001', r2: 'ami-0a1b2c3d4e5f60002' };
const FLEET = 'magento-marketplace';

function rollingManifest(dir: string, name: string, ami: string): string {
  return writeExampleManifest(dir, name, ami, { desired: 4, strategy: ['strategy: rolling'], minHealthyPercent: 50 });
}

describe('rollout controls on a rolling deployment, through the CLI against the state alone', () => {
  let dir: string;
  const state = () => ['--sim', '--state-dir', dir];
  const account = () => SimAccount.load(path.join(dir, 'sim', 'account.json'));
  const group = () => account().group(`${FLEET}-v001`)!;
  const r2Ids = () => account().instances().filter((i) => i.group === `${FLEET}-v001` && i.imageId === AMI.r2 && i.state === 'running').map((i) => i.id);
  const onR2 = () => r2Ids().length;
  // The fleet's own scaling policies may scale an idle group in meanwhile: what serves is compared with desired.
  const servesDesired = () => expect(account().inServiceCount(FLEET)).toBe(group().desired);
  const deployment = async () => JSON.parse((await drover('describe', 'fleet', FLEET, '-o', 'json', ...state())).stdout).deployment;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-cli-rolling-controls-'));
    expect((await drover('apply', '-f', rollingManifest(dir, 'base.yaml', AMI.base), '--wait', '--fresh', ...state())).code).toBe(0);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('pause holds the instance refresh between batches, serving throughout; resume finishes it', async () => {
    const r2 = rollingManifest(dir, 'r2.yaml', AMI.r2);
    expect((await drover('apply', '-f', r2, ...state())).code).toBe(0);
    expect(await deployment()).toMatchObject({ kind: 'rolling', result: 'InProgress' });
    // Let the refresh replace its first batch: an apply that gives up waiting after a few minutes leaves it running.
    const partway = await drover('apply', '-f', r2, '--wait', '--timeout', '6m', ...state());
    expect(partway.code).toBe(1);
    expect(partway.stdout + partway.stderr).toMatch(/timed out after 6m/);
    expect(onR2()).toBeGreaterThan(0);
    const pause = await drover('rollout', 'pause', FLEET, ...state());
    expect(pause).toMatchObject({ code: 0, stdout: expect.stringMatching(/rollout pause of rolling-\S+ by .* recorded/) });
    expect(await drover('rollout', 'promote', FLEET, ...state())).toMatchObject({ code: 1, stderr: expect.stringMatching(/promote skips the waits of blue\/green swaps and canaries; .* which has none/) });

    const held = await drover('apply', '-f', r2, '--wait', ...state());
    expect(held.code).toBe(0);
    expect(held.stdout).toMatch(/paused between batches: instance refresh \S+ of magento-marketplace-v001/);
    expect(await deployment()).toMatchObject({ phase: 'paused', result: 'InProgress' });
    expect(group().suspended).toContain('InstanceRefresh');
    // The batch under way when the pause landed finished; no other started.
    const replaced = r2Ids();
    expect(replaced.length).toBeGreaterThan(0);
    expect(replaced.length).toBeLessThan(4);
    expect(group().instances.filter((i) => i.lifecycle === 'InService')).toHaveLength(group().desired);

    // Two hours later (twice the refresh's default timeout): no new batch started, what is desired still serves.
    expect((await drover('sim', 'advance', '2h', ...state())).code).toBe(0);
    expect(replaced).toEqual(expect.arrayContaining(r2Ids()));
    servesDesired();
    expect(await drover('rollout', 'pause', FLEET, ...state())).toMatchObject({ code: 0, stdout: expect.stringMatching(/already requested/) });

    expect((await drover('rollout', 'resume', FLEET, ...state())).code).toBe(0);
    const done = await drover('apply', '-f', r2, '--wait', ...state());
    expect({ code: done.code, err: done.code ? done.stderr.slice(-2000) : '' }).toEqual({ code: 0, err: '' });
    expect(await deployment()).toMatchObject({ kind: 'rolling', result: 'Succeeded' });
    expect(onR2()).toBe(group().desired);
    servesDesired();
    expect(group().suspended).not.toContain('InstanceRefresh');
    const events = (await drover('events', FLEET, ...state())).stdout;
    for (const reason of ['RolloutPauseRequested', 'RolloutPauseApplied', 'RolloutResumeRequested', 'RolloutResumeApplied']) expect(events).toContain(reason);
  });

  it('abort while paused resumes the refresh process and refreshes back to the previous version', async () => {
    const r2 = rollingManifest(dir, 'r2.yaml', AMI.r2);
    expect((await drover('apply', '-f', r2, ...state())).code).toBe(0);
    expect((await drover('rollout', 'pause', FLEET, ...state())).code).toBe(0);
    expect((await drover('apply', '-f', r2, '--wait', ...state())).stdout).toMatch(/paused between batches/);
    expect((await drover('rollout', 'abort', FLEET, ...state())).code).toBe(0);
    const aborted = await drover('apply', '-f', r2, '--wait', ...state());
    expect(aborted.stdout).toMatch(/Failed|RolledBack/);
    expect(await deployment()).toMatchObject({ kind: 'rolling', reason: 'Aborted' });
    expect(group().suspended).not.toContain('InstanceRefresh');
    expect(onR2()).toBe(0);
    servesDesired();
    expect((await drover('events', FLEET, ...state())).stdout).toContain('RolloutAbortApplied');
  });
});

describe('undo --to-revision on a rolling fleet, through the CLI against the state alone', () => {
  it('deploys revision 1\'s image again with an instance refresh', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-cli-rolling-undo-'));
    const state = ['--sim', '--state-dir', dir];
    try {
      expect((await drover('apply', '-f', rollingManifest(dir, 'base.yaml', AMI.base), '--wait', '--fresh', ...state)).code).toBe(0);
      const r2 = rollingManifest(dir, 'r2.yaml', AMI.r2);
      expect((await drover('apply', '-f', r2, '--wait', ...state)).code).toBe(0);
      const history = await drover('rollout', 'history', FLEET, ...state);
      expect(history.stdout).toMatch(/^2\s+rolling\s+ami-0a1b2c3d4e5f60002\s+.*Succeeded/m);
      const undo = await drover('rollout', 'undo', FLEET, '--to-revision', '1', '-o', 'json', ...state);
      expect(undo.stderr).toBe('');
      expect(undo.code).toBe(0);
      const done = await drover('apply', '-f', r2, '--wait', ...state);
      expect(done.code).toBe(0);
      const running = SimAccount.load(path.join(dir, 'sim', 'account.json')).instances().filter((i) => i.state === 'running' && i.group === `${FLEET}-v001`);
      expect(new Set(running.map((i) => i.imageId))).toEqual(new Set([AMI.base]));
      expect((await drover('rollout', 'history', FLEET, ...state)).stdout).toMatch(/^3\s+rolling\s+ami-0a1b2c3d4e5f60001\s+.*Succeeded/m);
      expect(await drover('rollout', 'undo', FLEET, '--to-revision', '3', ...state)).toMatchObject({ code: 1, stderr: expect.stringMatching(/already serves/) });
      expect((await drover('rollout', 'undo', FLEET, '--to-revision', '2', ...state)).code).toBe(0);
      expect((await drover('events', FLEET, ...state)).stdout).toContain('RolloutUndoApplied');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
