/**
 * `drover delete fleet` end to end in-process over the simulated account: after `apply --wait`
 * of the example fleet nothing tagged for it is left; a second run changes nothing; a run that
 * fails halfway is finished by the next one.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAwsPort } from '../src/aws/clients';
import { openSimAccount, simAccountFile } from '../src/main/runtime';
import { createSimPlugin } from '../src/sim';
import type { SimState } from '../src/sim/state';
import { drover } from './support/cli';
import { fleetLeftovers } from './support/leftovers';

const EXAMPLE = path.resolve(__dirname, '../manifests/examples/magento-marketplace.yaml');
const FLEET = 'magento-marketplace';

const leftovers = (state: SimState): string[] => fleetLeftovers(state, FLEET);

describe('drover delete fleet', () => {
  let dir: string;
  const state = () => ['--state-dir', dir];
  const world = () => openSimAccount(dir, false).snapshot();
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-cli-delete-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('deletes everything tagged for the fleet; a second run is a no-op', async () => {
    const applied = await drover('apply', '-f', EXAMPLE, '--sim', '--wait', '--fresh', ...state());
    expect(applied.code).toBe(0);
    const before = leftovers(world());
    expect(before.filter((r) => r.startsWith('group/')).length).toBeGreaterThan(0);
    expect(before.some((r) => r.startsWith('loadBalancer/'))).toBe(true);
    expect(before.some((r) => r.startsWith('fileSystem/'))).toBe(true);

    const r = await drover('delete', 'fleet', FLEET, '--sim', '--yes', ...state());
    // Reverse dependency order: the group before the launch template and load balancer, storage last.
    const order = [...r.stderr.matchAll(/^magento-marketplace {2}(\w+) /gm)].map((m) => m[1]);
    const at = (k: string) => order.indexOf(k);
    expect(at('updateAutoScalingGroup')).toBe(0);
    expect(at('deleteAutoScalingGroup')).toBeLessThan(at('deleteLaunchTemplate'));
    expect(at('deleteLaunchTemplate')).toBeLessThan(at('deleteLoadBalancer'));
    expect(at('deleteLoadBalancer')).toBeLessThan(at('deleteMountTarget'));
    expect(at('deleteMountTarget')).toBeLessThan(at('deleteFileSystem'));
    expect(at('deleteFileSystem')).toBeLessThan(at('deleteSecurityGroup'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`fleet ${FLEET}: deleted`);
    expect(leftovers(world())).toEqual([]);
    const described = await drover('describe', 'fleet', FLEET, ...state());
    expect(described.stdout).toContain('Deleted');

    const again = await drover('delete', 'fleet', FLEET, '--sim', '--yes', ...state());
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing to delete\n {2}calls: \d+ read, 0 mutating/);
  }, 120_000);

  it('a run that fails halfway is finished by the next', async () => {
    expect((await drover('apply', '-f', EXAMPLE, '--sim', '--wait', '--fresh', ...state())).code).toBe(0);
    // The load balancer goes late in the order: everything before it was deleted when it fails.
    expect((await drover('sim', 'fault', 'ElasticLoadBalancing', 'DeleteLoadBalancer', 'AccessDenied', '--times', '1', ...state())).code).toBe(0);
    const first = await drover('delete', 'fleet', FLEET, '--sim', '--yes', ...state());
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('then failed');
    const half = leftovers(world());
    expect(half.some((x) => x.startsWith('loadBalancer/'))).toBe(true);
    expect(half.some((x) => x.startsWith('group/') || x.startsWith('launchTemplate/') || x.startsWith('alarm/'))).toBe(false);
    expect(half.some((x) => x.startsWith('fileSystem/'))).toBe(true);
    const second = await drover('delete', 'fleet', FLEET, '--sim', '--yes', ...state());
    expect(second.code).toBe(0);
    expect(leftovers(world())).toEqual([]);
  }, 120_000);

  it('apply of a manifest with spec.deletion: true deletes the fleet and keeps it deleted', async () => {
    expect((await drover('apply', '-f', EXAMPLE, '--sim', '--wait', '--fresh', ...state())).code).toBe(0);
    const marked = path.join(dir, 'deleted.yaml');
    fs.writeFileSync(marked, `${fs.readFileSync(EXAMPLE, 'utf8').trimEnd()}\n  deletion: true\n`);
    expect((await drover('validate', marked)).code).toBe(0);
    const plan = await drover('plan', '-f', marked, '--sim', ...state());
    expect(plan.stdout).toContain('the fleet is being deleted');
    const r = await drover('apply', '-f', marked, '--sim', '--wait', ...state());
    expect(r.code).toBe(0);
    expect(leftovers(world())).toEqual([]);
    const again = await drover('apply', '-f', marked, '--sim', '-o', 'json', ...state());
    expect(JSON.parse(again.stdout)).toMatchObject({ steps: [], calls: { mutating: 0 } });
  }, 120_000);

  it('apply --prune deletes the fleets drover owns that the files no longer declare; without it nothing is deleted', async () => {
    const two = path.resolve(__dirname, '../manifests/examples/two-fleets.yaml');
    expect((await drover('apply', '-f', two, '--sim', '--wait', '--fresh', ...state())).code).toBe(0);
    const [storefront, admin] = fs.readFileSync(two, 'utf8').split(/^---$/m);
    const only = path.join(dir, 'storefront.yaml');
    fs.writeFileSync(only, storefront.includes('name: storefront') ? storefront : admin);
    const groups = () => openSimAccount(dir, false).groups().map((g) => g.name).sort();
    expect(groups()).toEqual(['admin-v001', 'storefront-v001']);
    expect((await drover('apply', '-f', only, '--sim', '--wait', ...state())).code).toBe(0);
    expect(groups()).toEqual(['admin-v001', 'storefront-v001']);
    const pruned = await drover('apply', '-f', only, '--sim', '--wait', '--prune', ...state());
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toContain('fleet admin:');
    expect(groups()).toEqual(['storefront-v001']);
    const lbs = Object.keys(world().loadBalancers);
    expect(lbs.some((n) => n.startsWith('admin'))).toBe(false);
    expect(lbs.length).toBe(1);
  }, 120_000);

  describe('baked images', () => {
    const commits = ['4f2a9c1e77', '9b1d0e3a55'];
    /** Ids of images and snapshots of the sim account tagged for `fleet`. */
    const tagged = (fleet: string) => {
      const w = world();
      const mine = (e: { tags: Record<string, string> }) => e.tags['drover:fleet'] === fleet;
      return { images: Object.values(w.images).filter(mine).map((i) => i.id), snapshots: Object.values(w.snapshots ?? {}).filter(mine).map((s) => s.id) };
    };
    /** An image (and its snapshot) another fleet baked, written into the saved account. */
    const addForeignImage = () => {
      const file = simAccountFile(dir);
      const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
      const image = (Object.values(saved.state.images) as { id: string; snapshotId: string; tags: Record<string, string> }[]).find((i) => i.tags['drover:fleet'] === FLEET)!;
      const snap = saved.state.snapshots[image.snapshotId];
      const tags = { ...image.tags, 'drover:fleet': 'other-shop' };
      saved.state.images['ami-0000000000other'] = { ...image, id: 'ami-0000000000other', snapshotId: 'snap-0000000000other', tags };
      saved.state.snapshots['snap-0000000000other'] = { ...snap, id: 'snap-0000000000other', tags: { ...snap.tags, 'drover:fleet': 'other-shop' } };
      fs.writeFileSync(file, JSON.stringify(saved));
    };

    beforeEach(async () => {
      expect((await drover('apply', '-f', EXAMPLE, '--sim', '--wait', '--fresh', ...state())).code).toBe(0);
      for (const c of commits) expect((await drover('bake', FLEET, '--commit', c, '--sim', '--wait', ...state())).code).toBe(0);
      expect(tagged(FLEET).images).toHaveLength(2);
      expect(tagged(FLEET).snapshots).toHaveLength(2);
      addForeignImage();
    });

    it('without --images they are kept and the output says so; --images deletes them and their snapshots last', async () => {
      const kept = await drover('delete', 'fleet', FLEET, '--sim', '--yes', ...state());
      expect(kept.code).toBe(0);
      expect(kept.stderr).toContain('2 baked images kept; add --images to delete them');
      expect(kept.stdout).toContain('2 baked images kept; add --images to delete them');
      expect(kept.stderr).not.toContain('deregisterImage');
      expect(leftovers(world())).toEqual([]);
      expect(tagged(FLEET).images).toHaveLength(2);

      const r = await drover('delete', 'fleet', FLEET, '--sim', '--yes', '--images', ...state());
      expect(r.code).toBe(0);
      expect([...r.stderr.matchAll(/^magento-marketplace {2}(\w+) /gm)].map((m) => m[1])).toEqual(['deregisterImage', 'deregisterImage']);
      expect(tagged(FLEET)).toEqual({ images: [], snapshots: [] });
      expect(tagged('other-shop')).toEqual({ images: ['ami-0000000000other'], snapshots: ['snap-0000000000other'] });

      const again = await drover('delete', 'fleet', FLEET, '--sim', '--yes', '--images', ...state());
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/nothing to delete\n {2}calls: \d+ read, 0 mutating/);
    }, 240_000);

    it('with --images in one run, the images go after the groups, launch template and instances', async () => {
      const r = await drover('delete', 'fleet', FLEET, '--sim', '--yes', '--images', ...state());
      expect(r.code).toBe(0);
      const order = [...r.stderr.matchAll(/^magento-marketplace {2}(\w+) /gm)].map((m) => m[1]);
      const firstImage = order.indexOf('deregisterImage');
      expect(firstImage).toBeGreaterThan(order.lastIndexOf('deleteAutoScalingGroup'));
      expect(firstImage).toBeGreaterThan(order.indexOf('deleteLaunchTemplate'));
      expect(firstImage).toBeGreaterThan(order.indexOf('deleteSecurityGroup'));
      expect(order.filter((k) => k === 'deregisterImage')).toHaveLength(2);
      expect(leftovers(world())).toEqual([]);
      expect(tagged(FLEET)).toEqual({ images: [], snapshots: [] });
      expect(tagged('other-shop').images).toEqual(['ami-0000000000other']);
    }, 240_000);

    it('keeps an image something outside the fleet still runs from, and says so instead of waiting', async () => {
      const sim = openSimAccount(dir, false);
      const clients = createAwsPort({ region: 'eu-west-1', plugin: createSimPlugin(sim) });
      const [used, unused] = tagged(FLEET).images;
      await clients.ec2.RunInstances({ ImageId: used, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 });
      sim.save(simAccountFile(dir));
      const r = await drover('delete', 'fleet', FLEET, '--sim', '--yes', '--images', ...state());
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`image ${used} is still used by instance/i-[0-9a-f]+; kept`));
      expect(tagged(FLEET).images).toEqual([used]);
      expect(tagged(FLEET).images).not.toContain(unused);
      expect(leftovers(world()).filter((x) => !x.startsWith('instance/'))).toEqual([]);
    }, 240_000);
  });

  it('refuses without --yes when stdin is not a terminal, changing nothing', async () => {
    const r = await drover('delete', 'fleet', FLEET, '-f', EXAMPLE, '--sim', ...state());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('stdin is not a terminal');
  });
});
