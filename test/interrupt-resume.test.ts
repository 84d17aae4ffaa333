/**
 * Issue 10, reproduction 1, as a user does it: `apply --sim --wait` with a new AMI, Ctrl-C after
 * about 1.5 s, then `apply --sim --wait` again. The interrupted process says where the fleet is
 * and how to resume; the saved account agrees with drover's deployment snapshot (the account is
 * written through, so it is never behind it); the resumed apply ends with green serving N/N
 * and a status that matches the world. Real child processes (bin/drover.js).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SimAccount } from '../src/sim';
import { droverProcess, ensureBuilt } from './support/cli-process';

const EXAMPLE = fs.readFileSync(path.resolve(__dirname, '../manifests/examples/magento-marketplace.yaml'), 'utf8');
const FLEET = 'magento-marketplace';

function manifest(dir: string, name: string, ami: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, EXAMPLE.replace(/^(\s+)ami: ami-0a1b2c3d4e5f60001/m, `$1ami: ${ami}`).replace(/soak: 5m/, 'soak: 1m'));
  return file;
}

interface SavedDeployment {
  updatedAt: string;
  snapshot: { value: unknown; context: { greenGroup?: string; input: { blueGroup: string } } };
}

describe('Ctrl-C during apply --wait, then resume (child processes)', () => {
  jest.setTimeout(180_000);
  let dir: string;
  const state = () => ['--sim', '--state-dir', path.join(dir, 'state'), '--log-level', 'error'];
  const account = () => SimAccount.load(path.join(dir, 'state', 'sim', 'account.json'));

  beforeAll(() => ensureBuilt());
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-interrupt-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('stops cleanly with one line, leaves account and snapshot in agreement, and the next apply ends truthful', async () => {
    expect((await droverProcess(['apply', '-f', manifest(dir, 'base.yaml', 'ami-0a1b2c3d4e5f60001'), '--wait', '--fresh', ...state()])).code).toBe(0);
    const r2 = manifest(dir, 'r2.yaml', 'ami-0a1b2c3d4e5f60002');

    const stopped = await droverProcess(['apply', '-f', r2, '--wait', ...state()], { signal: 'SIGINT', afterMs: 0, once: /Progressing swap (drainBlue|soak|keepPrevious)/ });
    expect(stopped.code).toBe(130);
    const lines = stopped.stderr.trim().split('\n').filter((l) => l.startsWith('drover:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^drover: stopped on SIGINT: ${FLEET} .*resume with 'drover apply -f ${r2} --sim --state-dir .* --wait' \\(watch with 'drover rollout status ${FLEET}'\\)$`));
    expect(fs.readdirSync(path.join(dir, 'state', 'sim')).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    // The world is never behind the snapshot: every group the snapshot names as created exists.
    const sim = account();
    const file = path.join(dir, 'state', 'state', 'fleets', `${FLEET}.json`);
    const saved = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { sections: { deployment?: SavedDeployment } }).sections.deployment : undefined;
    if (saved) {
      expect(sim.nowMs()).toBeGreaterThanOrEqual(Date.parse(saved.updatedAt));
      const live = sim.groups().filter((g) => !g.deleting).map((g) => g.name);
      const green = saved.snapshot.context.greenGroup;
      if (green) expect(live).toContain(green);
      if (JSON.stringify(saved.snapshot.value).includes('keepPrevious')) expect(live).toEqual(expect.arrayContaining([saved.snapshot.context.input.blueGroup, green]));
    }
    expect(sim.inServiceCount(FLEET)).toBeGreaterThanOrEqual(2);

    const resumed = await droverProcess(['apply', '-f', r2, '--wait', ...state()]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/Succeeded: magento-marketplace-v002 serves ami-0a1b2c3d4e5f60002/);
    const after = account();
    expect(after.groups().filter((g) => !g.deleting).map((g) => g.name)).toEqual(['magento-marketplace-v002']);
    expect(after.inServiceCount(FLEET)).toBe(2);
    const status = JSON.parse((await droverProcess(['get', 'fleets', '-o', 'json', ...state()])).stdout).items[0];
    const described = JSON.parse((await droverProcess(['sim', 'call', 'AutoScaling', 'DescribeAutoScalingGroups', '{}', ...state()])).stdout);
    expect(status.observed.activeGroup).toBe('magento-marketplace-v002');
    expect(status.observed.groups.map((g: { name: string; inService: number }) => [g.name, g.inService])).toEqual(
      described.AutoScalingGroups.filter((g: { Status?: string }) => !g.Status).map((g: { AutoScalingGroupName: string; Instances: unknown[] }) => [g.AutoScalingGroupName, 2]),
    );
  });

  it('SIGTERM stops the same way with exit 143', async () => {
    expect((await droverProcess(['apply', '-f', manifest(dir, 'base.yaml', 'ami-0a1b2c3d4e5f60001'), '--wait', '--fresh', ...state()], { signal: 'SIGTERM', afterMs: 0, once: /\[\+/ })).code).toBe(143);
    const resumed = await droverProcess(['apply', '-f', path.join(dir, 'base.yaml'), '--wait', ...state()]);
    expect(resumed.code).toBe(0);
    expect(account().inServiceCount(FLEET)).toBe(2);
  });
});
