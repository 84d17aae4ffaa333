/** `drover sim reset` resets the whole simulated world: the account and drover's memory of it. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { drover } from './support/cli';

describe('drover sim reset', () => {
  let dir: string;
  const state = () => ['--sim', '--state-dir', dir];
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-sim-reset-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('removes the account, status, deployment snapshots and fleet memory, keeps the applied manifests, and the next apply starts fresh', async () => {
    const manifest = path.resolve(__dirname, '../manifests/examples/minimal.yaml');
    expect((await drover('apply', '-f', manifest, '--wait', ...state())).code).toBe(0);
    fs.mkdirSync(path.join(dir, 'deployments'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'deployments', 'x.json'), '{}');
    const present = ['sim', 'state', 'deployments'].filter((d) => fs.existsSync(path.join(dir, d)));
    expect(present).toEqual(['sim', 'state', 'deployments']);

    const r = await drover('sim', 'reset', ...state());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^reset the simulated world: removed .*sim/);
    for (const d of ['sim', 'status', 'deployments', 'fleets', 'intake', 'state']) expect(fs.existsSync(path.join(dir, d))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'applied.json'))).toBe(true);

    const plan = JSON.parse((await drover('plan', '-o', 'json', ...state())).stdout);
    expect(plan.steps.map((s: { kind: string }) => s.kind)).toContain('createAutoScalingGroup');
    await drover('sim', 'reset', ...state());
    expect((await drover('sim', 'reset', ...state())).stdout).toMatch(/^nothing to reset in /);
  });
});
