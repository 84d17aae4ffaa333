/**
 * `drover delete fleet NAME -o name|json|yaml`, as kubectl delete -o name prints for scripts:
 * stdout holds only `fleet/NAME` once nothing of the fleet is left (the report goes to stderr),
 * nothing when a step fails; json/yaml give the outcome as a FleetDeletion either way.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { openSimAccount } from '../src/main/runtime';
import { drover } from './support/cli';
import { fleetLeftovers } from './support/leftovers';

const EXAMPLE = path.resolve(__dirname, '../manifests/examples/magento-marketplace.yaml');
const FLEET = 'magento-marketplace';

interface Deletion {
  apiVersion: string;
  kind: string;
  fleet: string;
  result: string;
  gone: boolean;
  error?: string;
  applied: Array<{ kind: string; resource: string; reason: string }>;
  kept: string[];
  calls: { read: number; mutating: number };
}

describe('drover delete fleet -o', () => {
  let dir: string;
  const state = () => ['--state-dir', dir];
  const leftovers = () => fleetLeftovers(openSimAccount(dir, false).snapshot(), FLEET);
  const del = (...args: string[]) => drover('delete', 'fleet', FLEET, '--sim', '--yes', ...args, ...state());
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-cli-delete-output-'));
    expect((await drover('apply', '-f', EXAMPLE, '--sim', '--wait', '--fresh', ...state())).code).toBe(0);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('-o name prints fleet/NAME alone on stdout once it is gone, again when already gone; -o json says what was done', async () => {
    const r = await del('-o', 'name');
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 0, stdout: `fleet/${FLEET}\n` });
    // The report and each step still reach the user, on stderr.
    expect(r.stderr).toContain(`fleet ${FLEET}: deleted (`);
    expect(r.stderr).toMatch(/^magento-marketplace {2}deleteAutoScalingGroup /m);
    expect(leftovers()).toEqual([]);

    expect(await del('-o', 'name')).toMatchObject({ code: 0, stdout: `fleet/${FLEET}\n` });
    const again = await del('-o', 'json');
    expect(again.code).toBe(0);
    const data = JSON.parse(again.stdout) as Deletion;
    expect(data).toEqual({
      apiVersion: 'drover.dev/v1alpha1', kind: 'FleetDeletion', fleet: FLEET, result: 'NothingToDelete', gone: true, applied: [], kept: [],
      calls: { read: expect.any(Number), mutating: 0 },
    });
  }, 120_000);

  it('a failed run prints no name and exits 1, -o yaml says why; -o json of the run that finishes lists its steps', async () => {
    expect((await drover('sim', 'fault', 'ElasticLoadBalancing', 'DeleteLoadBalancer', 'AccessDenied', '--times', '2', ...state())).code).toBe(0);
    const named = await del('-o', 'name');
    expect({ code: named.code, stdout: named.stdout }).toEqual({ code: 1, stdout: '' });
    expect(named.stderr).toContain('then failed');

    const failed = await del('-o', 'yaml');
    expect(failed.code).toBe(1);
    const data = parseYaml(failed.stdout) as Deletion;
    expect(data).toMatchObject({ kind: 'FleetDeletion', fleet: FLEET, result: 'Failed', gone: false, error: expect.stringContaining('AccessDenied') });
    expect(leftovers().some((x) => x.startsWith('loadBalancer/'))).toBe(true);

    const done = await del('-o', 'json');
    expect(done.code).toBe(0);
    const ok = JSON.parse(done.stdout) as Deletion;
    expect(ok).toMatchObject({ result: 'Deleted', gone: true, calls: { mutating: expect.any(Number) } });
    expect(ok.applied.map((s) => s.kind)).toContain('deleteLoadBalancer');
    expect(ok.applied.every((s) => s.resource && s.reason)).toBe(true);
    expect(ok.calls.mutating).toBeGreaterThanOrEqual(ok.applied.length);
    expect(leftovers()).toEqual([]);
  }, 120_000);

  it('-o xml is a usage error naming the valid values; nothing is deleted', async () => {
    const before = leftovers();
    const r = await del('-o', 'xml');
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'drover: -o: "xml" is not one of table, json, yaml, name\n' });
    expect(leftovers()).toEqual(before);
    expect(before.length).toBeGreaterThan(0);
  });
});
