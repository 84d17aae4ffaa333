/**
 * `drover delete fleet` killed halfway (SIGKILL, a real child process) and run again finishes:
 * the deletion is a level-triggered plan over what the account still holds, and the simulated
 * account is written through, so the second run sees exactly what the first one left.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SimAccount } from '../src/sim';
import { droverProcess, ensureBuilt } from './support/cli-process';
import { fleetLeftovers } from './support/leftovers';

const EXAMPLE = path.resolve(__dirname, '../manifests/examples/magento-marketplace.yaml');
const FLEET = 'magento-marketplace';

describe('delete fleet, killed halfway, then run again (child processes)', () => {
  jest.setTimeout(180_000);
  let dir: string;
  const state = () => ['--sim', '--state-dir', path.join(dir, 'state'), '--log-level', 'error'];
  const leftovers = () => fleetLeftovers(SimAccount.load(path.join(dir, 'state', 'sim', 'account.json')).snapshot(), FLEET);

  beforeAll(() => ensureBuilt());
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-delete-kill-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('SIGKILL after the first deletion step; the next run deletes the rest and a third changes nothing', async () => {
    expect((await droverProcess(['apply', '-f', EXAMPLE, '--wait', '--fresh', ...state()])).code).toBe(0);
    const all = leftovers();
    expect(all.some((r) => r.startsWith('loadBalancer/'))).toBe(true);

    // The group is scaled to 0 first; its instances drain for minutes of virtual time before
    // anything else goes, so the kill lands with most of the fleet still there.
    const killed = await droverProcess(['delete', 'fleet', FLEET, '-f', EXAMPLE, '--yes', ...state()], { signal: 'SIGKILL', afterMs: 0, once: /updateAutoScalingGroup autoScalingGroup\// });
    expect(killed.signal).toBe('SIGKILL');
    const half = leftovers();
    expect(half.length).toBeGreaterThan(0);
    expect(half.some((r) => r.startsWith('loadBalancer/'))).toBe(true);

    const finished = await droverProcess(['delete', 'fleet', FLEET, '-f', EXAMPLE, '--yes', ...state()]);
    expect(finished.code).toBe(0);
    expect(finished.stdout).toMatch(/nothing tagged for it is left/);
    expect(leftovers()).toEqual([]);

    const again = await droverProcess(['delete', 'fleet', FLEET, '-f', EXAMPLE, '--yes', ...state()]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/0 mutating/);
  });
});
