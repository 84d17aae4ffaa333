/**
 * Issue 10, reproductions 1 and 3 through the CLI, as a user met them: a deployment never
 * claims what the world does not show, and never takes the only serving group down to repair
 * a missing one. Progress lines are sampled on every pass: blue + green InService never drops
 * below desired where the world still allowed it. Deploy timings are shortened in the manifest.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SimAccount } from '../src/sim';
import { drover } from './support/cli';
import { writeExampleManifest } from './support/example-manifest';

const AMI = { base: 'ami-0a1b2c3d4e5f60001', r2: 'ami-0a1b2c3d4e5f60002' };
const BLUE = 'magento-marketplace-v001';
const GREEN = 'magento-marketplace-v002';

const manifest = writeExampleManifest;

function account(dir: string): SimAccount {
  return SimAccount.load(path.join(dir, 'sim', 'account.json'));
}

/** Blue + green InService on each progress line of a swap (lines without both sides are skipped). */
function servingPerLine(stderr: string): number[] {
  return [...stderr.matchAll(/blue (\d+)\/\d+\s+green (\d+)\/\d+ InService/g)].map((m) => Number(m[1]) + Number(m[2]));
}

/** The fleet's live groups as DescribeAutoScalingGroups shows them, with their instances' AMIs. */
function liveGroups(dir: string) {
  const sim = account(dir);
  return sim.groups().filter((g) => !g.deleting).map((g) => ({
    name: g.name,
    desired: g.desired,
    amis: [...new Set(sim.instances().filter((i) => i.group === g.name && i.state === 'running').map((i) => i.imageId))],
  }));
}

describe('deployments tell the truth about the world (issue 10)', () => {
  let dir: string;
  const state = () => ['--sim', '--state-dir', dir];

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-truth-'));
    const r = await drover('apply', '-f', manifest(dir, 'base.yaml', AMI.base), '--wait', '--fresh', ...state());
    expect(r.code).toBe(0);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Apply r2 and stop waiting while the swap keeps blue (keepPrevious): the record stays. */
  async function swapUntilKeepPrevious(): Promise<void> {
    const first = await drover('apply', '-f', manifest(dir, 'r2.yaml', AMI.r2), '--wait', '--timeout', '8m', ...state());
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/InProgress: keeping magento-marketplace-v001 for a fast undo/);
  }

  it('repro 1: a keepPrevious snapshot over a world with only blue makes green again, never drops capacity, and tells the truth', async () => {
    const accountFile = path.join(dir, 'sim', 'account.json');
    const onlyBlue = fs.readFileSync(accountFile, 'utf8');
    await swapUntilKeepPrevious();
    fs.writeFileSync(accountFile, onlyBlue); // the account as it was before the swap (a Ctrl-C that never saved it)

    const r = await drover('apply', '-f', manifest(dir, 'r2.yaml', AMI.r2), '--wait', ...state());
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/createAutoScalingGroup/);
    expect(r.stderr).not.toMatch(/(Progressing|Ready)\s+0\/2 InService/);
    const serving = servingPerLine(r.stderr);
    expect(serving.length).toBeGreaterThan(3);
    expect(Math.min(...serving)).toBeGreaterThanOrEqual(2);
    expect(r.stdout).toMatch(/Succeeded: magento-marketplace-v002 serves ami-0a1b2c3d4e5f60002/);
    // The claim is true of the world: v002 exists, alone, and runs the AMI it names.
    expect(liveGroups(dir)).toEqual([{ name: GREEN, desired: 2, amis: [AMI.r2] }]);
    const status = await drover('rollout', 'status', 'magento-marketplace', ...state());
    expect(status.code).toBe(0);
  });

  it('repro 3: green deleted by hand during keepPrevious is noticed within one poll, blue serves again, and the deploy rolls back naming the group', async () => {
    await swapUntilKeepPrevious();
    const del = await drover('sim', 'call', 'AutoScaling', 'DeleteAutoScalingGroup', JSON.stringify({ AutoScalingGroupName: GREEN, ForceDelete: true }), ...state());
    expect(del.code).toBe(0);

    const r = await drover('apply', '-f', manifest(dir, 'r2.yaml', AMI.r2), '--wait', ...state());
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/Succeeded/);
    expect(r.stdout).toMatch(/RolledBack \(GroupMissing\): .*magento-marketplace-v002 is missing/);
    // The restored snapshot says keepPrevious; by the next poll (10 s) the swap is rolling back.
    const lines = r.stderr.split('\n').filter((l) => l.includes('magento-marketplace '));
    expect(lines[1]).toMatch(/^\[\+\s+10s\] .*Progressing swap (rederive|restoreBlue|waitBlueHealthy) /);
    expect(r.stderr).not.toMatch(/\+\s*\d+m.*blue 0\/0\s+green 0\/0/);
    expect(liveGroups(dir)).toEqual([{ name: BLUE, desired: 2, amis: [AMI.base] }]);
    expect(account(dir).inServiceCount('magento-marketplace')).toBe(2);
    const history = await drover('rollout', 'history', 'magento-marketplace', ...state());
    expect(history.stdout).toMatch(/RolledBack/);
    expect(history.stdout).not.toMatch(/Succeeded/);
  });
});
