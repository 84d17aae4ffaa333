/**
 * Rollout controls through the CLI against the state alone (no daemon): each control is a
 * fact in fleet memory, and the next `drover apply --wait` (which runs the machine in the CLI,
 * on the simulated account in virtual time) acts on it. Bad input exits 1 and records nothing.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SimAccount } from '../src/sim';
import { drover } from './support/cli';
import { writeExampleManifest } from './support/example-manifest';

const AMI = { base: 'ami-0a1b2c3d4e5f60001', r2: 'ami-0a1b2c3d4e5f60002', r3: 'ami-0a1b2c3d4e5f60003' };
const FLEET = 'magento-marketplace';

describe('rollout controls through the CLI, against the state alone', () => {
  let dir: string;
  const state = () => ['--sim', '--state-dir', dir];
  const account = () => SimAccount.load(path.join(dir, 'sim', 'account.json'));
  const live = () => account().groups().filter((g) => !g.deleting);
  // The fleet's record (state/fleets/FLEET.json); its `intent` section is what fleet memory holds.
  const recordFile = () => path.join(dir, 'state', 'fleets', `${FLEET}.json`);
  const memoryText = () => (fs.existsSync(recordFile()) ? fs.readFileSync(recordFile(), 'utf8') : '');
  const controls = () => (JSON.parse(memoryText() || '{}').sections?.intent?.controls ?? []) as Array<{ kind: string; appliedAt?: string; outcome?: string }>;
  const manifest = (name: string, ami: string, keepPrevious?: string) => writeExampleManifest(dir, name, ami, keepPrevious ? { keepPrevious } : {});

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-cli-controls-'));
    expect((await drover('apply', '-f', manifest('base.yaml', AMI.base), '--wait', '--fresh', ...state())).code).toBe(0);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('pause holds before cut-over with capacity kept, asking twice is one fact, resume finishes; each shows in events', async () => {
    const r2 = manifest('r2.yaml', AMI.r2);
    expect((await drover('apply', '-f', r2, ...state())).code).toBe(0);
    const pause = await drover('rollout', 'pause', FLEET, ...state());
    expect(pause).toMatchObject({ code: 0, stdout: expect.stringMatching(/rollout pause of swap-\S+ by .* recorded/) });
    const again = await drover('rollout', 'pause', FLEET, ...state());
    expect(again).toMatchObject({ code: 0, stdout: expect.stringMatching(/already requested .*nothing new recorded/) });
    expect(controls().map((c) => c.kind)).toEqual(['pause']);

    const held = await drover('apply', '-f', r2, '--wait', ...state());
    expect(held.code).toBe(0);
    expect(held.stdout).toMatch(/paused before cut-over/);
    // Blue still serves beside a healthy green: capacity above desired (2), nothing cut over.
    expect(live().map((g) => g.name).sort()).toEqual([`${FLEET}-v001`, `${FLEET}-v002`]);
    expect(account().inServiceCount(FLEET)).toBe(4);
    const status = await drover('rollout', 'status', FLEET, ...state());
    expect(status.stdout).toMatch(/^Paused before cut-over: green magento-marketplace-v002 2 of 2 instances InService, blue magento-marketplace-v001 still serves; 'drover rollout resume magento-marketplace' goes on/);
    expect(controls()[0]).toMatchObject({ kind: 'pause', appliedAt: expect.any(String) });

    expect((await drover('rollout', 'resume', FLEET, ...state())).code).toBe(0);
    const done = await drover('apply', '-f', r2, '--wait', ...state());
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/Succeeded/);
    expect(live().map((g) => g.name)).toEqual([`${FLEET}-v002`]);
    const events = await drover('events', FLEET, ...state());
    for (const reason of ['RolloutPauseRequested', 'RolloutPauseApplied', 'RolloutResumeRequested', 'RolloutResumeApplied']) expect(events.stdout).toContain(reason);
    expect((await drover('describe', 'fleet', FLEET, ...state())).stdout).toMatch(/RolloutResumeApplied\s+rollout resume of swap-\S+ by \S+: swap-\S+ goes on/);
  });

  it('abort returns traffic to blue; retry then deploys the same image despite the rollback', async () => {
    const r2 = manifest('r2.yaml', AMI.r2);
    expect((await drover('apply', '-f', r2, ...state())).code).toBe(0);
    expect((await drover('rollout', 'pause', FLEET, ...state())).code).toBe(0);
    expect((await drover('apply', '-f', r2, '--wait', ...state())).stdout).toMatch(/paused before cut-over/);
    expect((await drover('rollout', 'abort', FLEET, ...state())).code).toBe(0);
    const aborted = await drover('apply', '-f', r2, '--wait', ...state());
    expect(aborted.stdout).toMatch(/RolledBack \(Aborted\)/);
    expect(live().map((g) => g.name)).toEqual([`${FLEET}-v001`]);
    expect(account().inServiceCount(FLEET)).toBe(2);
    const blocked = await drover('apply', '-f', r2, '--wait', ...state());
    expect(blocked.code).toBe(1);
    expect(blocked.stdout + blocked.stderr).toMatch(/not rolling out ami-0a1b2c3d4e5f60002 again/);

    const retry = await drover('rollout', 'retry', FLEET, ...state());
    expect(retry.code).toBe(0);
    const redeployed = await drover('apply', '-f', r2, '--wait', ...state());
    expect(redeployed.code).toBe(0);
    expect(live().map((g) => g.name)).toEqual([`${FLEET}-v003`]);
    expect((await drover('rollout', 'history', FLEET, ...state())).stdout).toMatch(/ami-0a1b2c3d4e5f60002\s+.*Succeeded/);
    const events = (await drover('events', FLEET, ...state())).stdout;
    expect(events).toContain('RolloutAbortApplied');
    expect(events).toContain('RolloutRetryApplied');
  });

  it('promote --full skips soak and keepPrevious', async () => {
    const r2 = manifest('r2.yaml', AMI.r2, '1h');
    expect((await drover('apply', '-f', r2, ...state())).code).toBe(0);
    expect((await drover('rollout', 'promote', FLEET, '--full', ...state())).code).toBe(0);
    const done = await drover('apply', '-f', r2, '--wait', ...state());
    expect(done.code).toBe(0);
    expect(live().map((g) => g.name)).toEqual([`${FLEET}-v002`]);
    const elapsed = [...done.stderr.matchAll(/\[\+\s*([^\]]+)\]/g)].map((m) => m[1].trim()).pop() ?? '';
    expect(elapsed).not.toMatch(/h/);
    expect(controls()[0]).toMatchObject({ kind: 'promote', outcome: 'every remaining wait is skipped' });
  });

  it('undo --to-revision deploys an earlier successful revision; a bad revision lists the valid ones and changes nothing', async () => {
    expect((await drover('apply', '-f', manifest('r2.yaml', AMI.r2), '--wait', ...state())).code).toBe(0);
    const r3 = manifest('r3.yaml', AMI.r3);
    expect((await drover('apply', '-f', r3, '--wait', ...state())).code).toBe(0);
    const before = memoryText();
    const missing = await drover('rollout', 'undo', FLEET, '--to-revision', '9', ...state());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/has no revision 9; successful revisions: 1, 2, 3/);
    const serving = await drover('rollout', 'undo', FLEET, '--to-revision', '3', ...state());
    expect(serving).toMatchObject({ code: 1, stderr: expect.stringMatching(/already serves/) });
    expect((await drover('rollout', 'undo', FLEET, '--to-revision', 'x', ...state())).code).toBe(2);
    expect(memoryText()).toBe(before);

    // Revision 1 is the fleet's creation: its image is the one the first swap replaced.
    expect((await drover('rollout', 'undo', FLEET, '--to-revision', '1', ...state())).code).toBe(0);
    const undone = await drover('apply', '-f', r3, '--wait', ...state());
    expect(undone.code).toBe(0);
    expect(undone.stdout).toMatch(/swap \S+ to ami-0a1b2c3d4e5f60001: Succeeded/);
    expect(live().map((g) => g.name)).toEqual([`${FLEET}-v004`]);
    expect((await drover('rollout', 'history', FLEET, ...state())).stdout).toMatch(/4\s+swap\s+ami-0a1b2c3d4e5f60001\s+.*Succeeded/);
  });

  it('bad input exits non-zero and records nothing: an unknown fleet (did you mean), nothing to act on', async () => {
    const before = memoryText();
    const unknown = await drover('rollout', 'pause', 'magento-marketplac', ...state());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/fleet "magento-marketplac" not found.*magento-marketplace/);
    for (const kind of ['pause', 'resume', 'promote', 'abort']) {
      const r = await drover('rollout', kind, FLEET, ...state());
      expect(r).toMatchObject({ code: 1, stderr: `Error: nothing to ${kind}: ${FLEET} has no deployment in progress\n` });
    }
    expect((await drover('rollout', 'retry', FLEET, ...state())).stderr).toMatch(/nothing to retry: magento-marketplace has no deployments yet/);
    expect(memoryText()).toBe(before);
    expect(fs.existsSync(path.join(dir, 'inbox'))).toBe(false);
  });
});
