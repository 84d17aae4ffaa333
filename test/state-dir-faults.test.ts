/**
 * State-directory faults (issue 10, reproduction 7), through the CLI as a user meets them:
 * a state directory that cannot be written, a garbage fleet memory file after a bake, a
 * truncated deployment record, and a truncated simulated account.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { drover } from './support/cli';
import { createDaemonEnv } from './daemon-env';
import { writeExampleManifest } from './support/example-manifest';

const AMI = { base: 'ami-0a1b2c3d4e5f60001', r2: 'ami-0a1b2c3d4e5f60002' };
const FLEET = 'magento-marketplace';

const manifest = writeExampleManifest;

const corruptCopies = (dir: string, base: string) => fs.readdirSync(dir).filter((n) => n.startsWith(`${base}.corrupt-`));

describe('state-directory faults (CLI, simulated account)', () => {
  let dir: string;
  const state = () => ['--sim', '--state-dir', dir];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-state-faults-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a state directory that cannot be written: apply and the daemon refuse with one line naming the path and errno', async () => {
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, 'not a directory\n');
    const stateDir = path.join(file, 'state');
    const m = manifest(dir, 'base.yaml', AMI.base);
    await expect(drover('apply', '-f', m, '--sim', '--state-dir', stateDir, '--wait')).rejects.toThrow(
      new RegExp(`^state directory ${stateDir.replace(/[/.]/g, '\\$&')} cannot be written: ENOTDIR \\(`),
    );
    const manifests = path.join(dir, 'manifests');
    fs.mkdirSync(manifests);
    fs.copyFileSync(m, path.join(manifests, 'fleet.yaml'));
    const err = await drover('daemon', '-f', manifests, '--sim', '--state-dir', stateDir, '--listen', '127.0.0.1:0').catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/cannot be written: ENOTDIR/);
    expect((err as Error).message).not.toMatch(/\n/);
    expect(fs.readFileSync(file, 'utf8')).toBe('not a directory\n');
  });

  it('a daemon on an unwritable state directory refuses to start before any AWS call (nothing half-done)', async () => {
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, 'x');
    const env = createDaemonEnv({ options: { stateDir: path.join(file, 'state'), listen: false } });
    try {
      await expect(env.daemon.start()).rejects.toThrow(/^state directory .*a-file\/state cannot be written: ENOTDIR \(/);
      expect(env.sim.calls).toHaveLength(0);
    } finally {
      env.cleanup();
    }
  });

  it('a garbage fleet memory (the intent section of state/fleets/<name>.json) after a bake is named, moved aside, raised as StateCorrupt, and rebuilt from the world', async () => {
    expect((await drover('apply', '-f', manifest(dir, 'base.yaml', AMI.base), '--wait', '--fresh', ...state())).code).toBe(0);
    expect((await drover('bake', FLEET, '--commit', '4f2a9c1e77', '--wait', ...state())).code).toBe(0);
    const memoryFile = path.join(dir, 'state', 'fleets', `${FLEET}.json`);
    const record = JSON.parse(fs.readFileSync(memoryFile, 'utf8'));
    fs.writeFileSync(memoryFile, JSON.stringify({ ...record, sections: { ...record.sections, intent: ['garbage', { fleet: 'magento-marketpl' }] } }));

    const plan = await drover('plan', ...state());
    expect(plan.code).toBe(0);
    expect(plan.stdout).not.toMatch(/startDeployment/);
    expect(plan.stdout).toMatch(/came from .*commit 4f2a9c1e77/);
    expect(corruptCopies(path.join(dir, 'state', 'fleets'), `${FLEET}.intent.json`)).toHaveLength(1);

    const describe = await drover('describe', 'fleet', FLEET, ...state());
    // One line: the condition names the file, the parser's complaint and where the file went.
    expect(describe.stdout).toMatch(/StateCorrupt\s+True .*fleets\/magento-marketplace\.json was unreadable \(not a JSON object\); moved to .*\.intent\.json\.corrupt-\S+ and rebuilt from the world: kept the serving AMI/);
    expect(describe.stdout).toContain(memoryFile);
    const events = await drover('events', FLEET, ...state());
    expect(events.stdout).toMatch(/StateCorrupt/);
    const apply = await drover('apply', ...state());
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/0 mutating/);
  });

  it('a truncated deployment record is moved aside, raised, and the swap finishes from what the world shows', async () => {
    expect((await drover('apply', '-f', manifest(dir, 'base.yaml', AMI.base), '--wait', '--fresh', ...state())).code).toBe(0);
    const r2 = manifest(dir, 'r2.yaml', AMI.r2);
    expect((await drover('apply', '-f', r2, ...state())).stdout).toMatch(/in progress: swap/);
    expect((await drover('sim', 'advance', '3m', ...state())).code).toBe(0);
    const record = path.join(dir, 'state', 'fleets', `${FLEET}.json`);
    fs.writeFileSync(record, fs.readFileSync(record, 'utf8').slice(0, 120));

    const apply = await drover('apply', '-f', r2, '--wait', ...state());
    expect(apply.code).toBe(0);
    expect(corruptCopies(path.join(dir, 'state', 'fleets'), `${FLEET}.json`)).toHaveLength(1);
    const describe = await drover('describe', 'fleet', FLEET, ...state());
    expect(describe.stdout).toMatch(/StateCorrupt\s+True/);
    expect(describe.stdout).toMatch(/ami-0a1b2c3d4e5f60002/);
    const plan = await drover('plan', '-f', r2, '--detailed-exitcode', ...state());
    expect(plan.code).toBe(0);
  });

  it('a truncated sim/account.json names the file and says how to start fresh', async () => {
    expect((await drover('apply', '-f', manifest(dir, 'base.yaml', AMI.base), '--fresh', ...state())).code).toBe(0);
    const account = path.join(dir, 'sim', 'account.json');
    fs.writeFileSync(account, fs.readFileSync(account, 'utf8').slice(0, 200));
    const err = await drover('plan', ...state()).catch((e: Error) => e);
    expect((err as Error).message).toContain(`loading simulated account ${account}: `);
    expect((err as Error).message).toMatch(/drover sim reset/);
    expect((err as Error).message).not.toMatch(/\n/);
  });
});
