/**
 * Rollout controls on a canary, through the CLI against the state alone (no daemon): pause holds
 * the canary before its next step with the weight where it was, promote --full skips the remaining
 * pauses, abort sends traffic back to blue. Each is a fact the next `drover apply --wait` acts on.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SimAccount } from '../src/sim';
import { drover } from './support/cli';
import { writeExampleManifest } from './support/example-manifest';

const AMI = { base: 'ami-0a1b2c3d4e5f60001', r2: 'ami-0a1b2c3d4e5f60002' };
const FLEET = 'magento-marketplace';

function canaryManifest(dir: string, name: string, ami: string): string {
  return writeExampleManifest(dir, name, ami, { desired: 4, strategy: ['strategy: canary', 'canary:', '  steps: [{setWeight: 25}, {pause: 30m}, {setWeight: 50}, {pause: 30m}]'] });
}

describe('rollout controls on a canary, through the CLI against the state alone', () => {
  let dir: string;
  const state = () => ['--sim', '--state-dir', dir];
  const account = () => SimAccount.load(path.join(dir, 'sim', 'account.json'));
  const live = () => account().groups().filter((g) => !g.deleting);
  const describeJson = async () => JSON.parse((await drover('describe', 'fleet', FLEET, '-o', 'json', ...state())).stdout);
  const elapsedHours = (stderr: string) => /\d+h/.test([...stderr.matchAll(/\[\+\s*([^\]]+)\]/g)].map((m) => m[1].trim()).pop() ?? '');

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-cli-canary-controls-'));
    expect((await drover('apply', '-f', canaryManifest(dir, 'base.yaml', AMI.base), '--wait', '--fresh', ...state())).code).toBe(0);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('pause holds the canary before its next step; promote --full then skips both 30-minute pauses', async () => {
    const r2 = canaryManifest(dir, 'r2.yaml', AMI.r2);
    expect((await drover('apply', '-f', r2, ...state())).code).toBe(0);
    const pause = await drover('rollout', 'pause', FLEET, ...state());
    expect(pause).toMatchObject({ code: 0, stdout: expect.stringMatching(/rollout pause of canary-\S+ by .* recorded/) });
    expect((await drover('rollout', 'pause', FLEET, ...state())).stdout).toMatch(/already requested/);

    const held = await drover('apply', '-f', r2, '--wait', ...state());
    expect(held.code).toBe(0);
    expect(held.stdout).toMatch(/is held before its next step .*paused by an operator/);
    const d = (await describeJson()).deployment;
    expect(d).toMatchObject({ kind: 'canary', phase: 'held', result: 'InProgress' });
    expect(d.canary.cutOver).toBe(false);
    // Blue still serves all of desired: nothing cut over.
    expect(live().map((g) => g.name).sort()).toEqual([`${FLEET}-v001`, `${FLEET}-v002`]);
    expect(account().group(`${FLEET}-v001`)!.desired).toBe(4);

    expect((await drover('rollout', 'promote', FLEET, '--full', ...state())).code).toBe(0);
    const done = await drover('apply', '-f', r2, '--wait', ...state());
    expect({ code: done.code, err: done.code ? done.stderr.slice(-2000) : '' }).toEqual({ code: 0, err: '' });
    expect(done.stdout).toMatch(/Succeeded/);
    // Two 30-minute pauses skipped: the rollout took less than an hour of virtual time.
    expect(elapsedHours(done.stderr)).toBe(false);
    expect(live().map((g) => g.name)).toEqual([`${FLEET}-v002`]);
    const events = (await drover('events', FLEET, ...state())).stdout;
    for (const reason of ['RolloutPauseRequested', 'RolloutPauseApplied', 'RolloutPromoteRequested', 'RolloutPromoteApplied']) expect(events).toContain(reason);
  });

  it('abort during a canary pause returns all traffic to blue; resume with nothing paused exits 1', async () => {
    const r2 = canaryManifest(dir, 'r2.yaml', AMI.r2);
    expect((await drover('apply', '-f', r2, ...state())).code).toBe(0);
    const notPaused = await drover('rollout', 'resume', FLEET, ...state());
    expect(notPaused).toMatchObject({ code: 1, stderr: expect.stringMatching(/nothing to resume: canary \S+ of magento-marketplace is not paused/) });
    expect((await drover('rollout', 'pause', FLEET, ...state())).code).toBe(0);
    expect((await drover('apply', '-f', r2, '--wait', ...state())).stdout).toMatch(/is held before its next step/);
    expect((await drover('rollout', 'abort', FLEET, ...state())).code).toBe(0);
    const aborted = await drover('apply', '-f', r2, '--wait', ...state());
    expect(aborted.stdout).toMatch(/RolledBack \(Aborted\)/);
    expect(live().map((g) => g.name)).toEqual([`${FLEET}-v001`]);
    expect(account().inServiceCount(FLEET)).toBe(4);
    expect((await drover('events', FLEET, ...state())).stdout).toContain('RolloutAbortApplied');
  });
});
