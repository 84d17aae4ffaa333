/**
 * `drover describe fleet` lists the fleet's instances as `get instances` does (kubectl describe
 * shows what a resource runs): id, group and colour, lifecycle, load balancer or target group
 * health, zone and AGE, from the recorded status, from a live observe, and in -o json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openSimAccount } from '../src/main/runtime';
import type { FleetStatus } from '../src/model/fleet-status';
import { drover } from './support/cli';

const EXAMPLES = path.resolve(__dirname, '../manifests/examples');

/** The rows of describe's Instances section, cells split on the table's gaps. */
function instanceRows(describe: string): string[][] {
  const section = describe.match(/^Instances:\n((?: {2}.*\n)+)/m);
  if (!section) throw new Error(`no Instances section in:\n${describe}`);
  return section[1].trimEnd().split('\n').map((l) => l.trim().split(/\s{3,}/));
}

/** `get instances` rows by header, so the two commands can be compared cell by cell. */
function getRows(table: string): Array<Record<string, string>> {
  const [head, ...rows] = table.trimEnd().split('\n').map((l) => l.trim().split(/\s{3,}/));
  return rows.map((cells) => Object.fromEntries(head.map((h, i) => [h, cells[i]])));
}

describe.each([
  ['a Classic ELB fleet', 'magento-marketplace.yaml', 'magento-marketplace'],
  ['an ALB fleet (health from its target group)', 'magento-alb.yaml', 'magento-alb'],
])('describe fleet on %s: an Instances section', (_kind, file, fleet) => {
  let dir: string;
  const state = () => ['--state-dir', dir];
  const zoneOf = (id: string) => openSimAccount(dir, false).snapshot().instances[id].az;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-cli-describe-'));
    expect((await drover('apply', '-f', path.join(EXAMPLES, file), '--sim', '--wait', '--fresh', ...state())).code).toBe(0);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('from the recorded status: the same instances and cells as get instances -o wide, zones from the account', async () => {
    const described = await drover('describe', 'fleet', fleet, ...state());
    expect(described.code).toBe(0);
    const [head, ...rows] = instanceRows(described.stdout);
    expect(head).toEqual(['ID', 'GROUP', 'COLOR', 'LIFECYCLE', 'ELB', 'AZ', 'AGE']);
    const got = getRows((await drover('get', 'instances', fleet, '-o', 'wide', ...state())).stdout);
    expect(got.length).toBe(2);
    expect(rows).toEqual(got.map((g) => [g.ID, g.GROUP, g.COLOR, g.LIFECYCLE, g.ELB, g.AZ, g.AGE]));
    for (const [id, group, , lifecycle, elb, zone, age] of rows) {
      expect([group, lifecycle, elb]).toEqual([`${fleet}-v001`, 'InService', 'InService']);
      expect(zone).toBe(zoneOf(id));
      expect(age).toMatch(/^\d+(s|m|h|d)/);
    }
    // The section sits between what exists in AWS and the conditions, as kubectl describe orders them.
    expect(described.stdout.indexOf('Resources:')).toBeLessThan(described.stdout.indexOf('Instances:'));
    expect(described.stdout.indexOf('Instances:')).toBeLessThan(described.stdout.indexOf('Conditions:'));
  });

  it('--live observes the account now and lists the same instances; -o json carries them with their zones', async () => {
    const live = await drover('describe', 'fleet', fleet, '--live', '--sim', ...state());
    expect(live.code).toBe(0);
    const recorded = instanceRows((await drover('describe', 'fleet', fleet, ...state())).stdout);
    expect(instanceRows(live.stdout).map((r) => r.slice(0, 6))).toEqual(recorded.map((r) => r.slice(0, 6)));
    const json = JSON.parse((await drover('describe', 'fleet', fleet, '-o', 'json', ...state())).stdout) as FleetStatus;
    const byId = (a: string[], b: string[]) => (a[0] < b[0] ? -1 : 1);
    expect(json.observed.instances.map((i) => [i.id, i.availabilityZone!, i.elbHealth]).sort(byId)).toEqual(
      recorded.slice(1).map(([id, , , , elb, zone]) => [id, zone, elb]).sort(byId),
    );
  });

  it('instances failing their health check show OutOfService in ELB, live and in get instances alike', async () => {
    // The image now fails the load balancer's (or target group's) health check.
    expect((await drover('sim', 'break-ami', 'ami-0a1b2c3d4e5f60001', ...state())).code).toBe(0);
    expect((await drover('sim', 'advance', '2m', ...state())).code).toBe(0);
    const live = instanceRows((await drover('describe', 'fleet', fleet, '--live', '--sim', ...state())).stdout);
    const got = getRows((await drover('get', 'instances', fleet, '--live', '--sim', ...state())).stdout);
    expect(live.slice(1).map((r) => [r[0], r[4]])).toEqual(got.map((g) => [g.ID, g.ELB]));
    expect(live.slice(1).map((r) => [r[3], r[4]])).toEqual([['InService', 'OutOfService'], ['InService', 'OutOfService']]);
    // Without --live: the status last recorded, until something reconciles the fleet again.
    const recorded = instanceRows((await drover('describe', 'fleet', fleet, ...state())).stdout);
    expect(recorded.slice(1).map((r) => [r[0], r[4]])).toEqual(live.slice(1).map((r) => [r[0], 'InService']));
  });
});
