/**
 * `plan` says what `apply` would do next (reproduction 5 of issue 10): after `bake --wait` the
 * serving AMI is the baked one, newer than the manifest's; plan must not propose a deployment
 * back to the manifest's AMI, and `--detailed-exitcode` says 0 (nothing) or 2 (changes).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { drover } from './support/cli';
import { writeExampleManifest } from './support/example-manifest';

const AMI = { base: 'ami-0a1b2c3d4e5f60001', r2: 'ami-0a1b2c3d4e5f60002' };

const manifest = writeExampleManifest;

describe('plan agrees with apply (CLI, simulated account)', () => {
  let dir: string;
  const state = () => ['--sim', '--state-dir', dir];

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-cli-plan-'));
    expect((await drover('apply', '-f', manifest(dir, 'base.yaml', AMI.base), '--wait', '--fresh', ...state())).code).toBe(0);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('after bake --wait, plan prints no startDeployment, says why, and apply then does nothing', async () => {
    const bake = await drover('bake', 'magento-marketplace', '--commit', '4f2a9c1e77', '--wait', ...state());
    expect(bake.code).toBe(0);
    const plan = await drover('plan', '--detailed-exitcode', ...state());
    expect(plan.stdout).not.toMatch(/startDeployment/);
    expect(plan.stdout).toMatch(/nothing: the serving AMI ami-\w+ came from bake bake-\S+ of commit 4f2a9c1e77, newer than the manifest's ami-0a1b2c3d4e5f60001/);
    expect(plan.code).toBe(0);
    const json = JSON.parse((await drover('plan', '-o', 'json', ...state())).stdout);
    expect(json.steps).toEqual([]);
    expect(json.changes).toBe(false);
    const apply = await drover('apply', ...state());
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/0 mutating/);
    expect(apply.stdout).not.toMatch(/in progress/);
  });

  it('a new AMI in the manifest: plan exits 2 with the swap apply then starts', async () => {
    const r2 = manifest(dir, 'r2.yaml', AMI.r2);
    const plan = await drover('plan', '-f', r2, '--detailed-exitcode', ...state());
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(/startDeployment/);
    expect(plan.stdout).toMatch(/next deployment: swap to ami-0a1b2c3d4e5f60002/);
    const apply = await drover('apply', '-f', r2, ...state());
    expect(apply.stdout).toMatch(/in progress: swap swap-\S+-v002/);
    const during = await drover('plan', '-f', r2, '--detailed-exitcode', ...state());
    expect(during.code).toBe(2);
    expect(during.stdout).toMatch(/next deployment: swap swap-\S+-v002 continues/);
  });

  it('--detailed-exitcode reports a bad manifest as an error (1), not as changes (2)', async () => {
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'apiVersion: drover/v1\nkind: Fleet\nmetadata: {}\n');
    expect((await drover('plan', '-f', bad, '--detailed-exitcode', ...state())).code).toBe(1);
    expect((await drover('plan', '-f', bad, ...state())).code).toBe(2);
    expect((await drover('plan', '--detailed-exitcode', '-o', 'xml', ...state())).code).toBe(1);
  });
});
