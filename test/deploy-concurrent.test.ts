/**
 * Issue 10, reproduction 2: two `apply --wait` at once on one state directory and one account,
 * one asking for AMI …002, the other for …003. Locking the state directory is another issue;
 * here each process must only claim what the world shows at that moment, and serving capacity
 * must never drop. Two controller processes share the simulated account and the state
 * directory and run concurrently on its virtual clock.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FleetPass } from '../src/controllers/fleet/reconciler';
import type { DesiredFleet } from '../src/model/fleet';
import { desiredFleet } from './support/planner/fixtures';
import { SimAccount } from '../src/sim';
import { convergedWorld } from './support/crash-harness';
import { ControllerProcess } from './support/controller-process';

const AMI = { base: 'ami-0a1b2c3d4e5f60001', r2: 'ami-0a1b2c3d4e5f60002', r3: 'ami-0a1b2c3d4e5f60003' };

function fleetWith(ami: string): DesiredFleet {
  const base = desiredFleet();
  return { ...base, image: { ami }, deploy: { ...base.deploy, soakSeconds: 60, keepPreviousSeconds: 300 } };
}

/** What the world shows for the group a Succeeded claim names: InService on the LB out of desired, and the AMIs it runs. */
function truthOf(sim: SimAccount, lb: string, group: string) {
  const g = sim.groups().find((x) => x.name === group && !x.deleting);
  const serving = new Set(sim.instances().filter((i) => i.group === group && i.state === 'running').map((i) => i.imageId));
  const inService = g ? g.instances.filter((i) => i.lifecycle === 'InService').length : 0;
  return { exists: !!g, desired: g?.desired ?? 0, inService, onLb: sim.inServiceCount(lb), amis: [...serving] };
}

describe('two applies at once on one state directory (issue 10, repro 2)', () => {
  // How the two interleave depends on real file I/O, so several rounds meet several orders.
  it.each([1, 2, 3, 4])('round %i: each reports only what the world shows when it reports, and capacity never drops', async () => {
    const world = await convergedWorld(fleetWith(AMI.base));
    const sim = SimAccount.fromJSON(world);
    const lb = fleetWith(AMI.base).loadBalancer.name;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-concurrent-'));
    let minServing = sim.inServiceCount(lb);
    const unsubscribe = sim.onTick(() => (minServing = Math.min(minServing, sim.inServiceCount(lb))));
    /** Every ending a process reported, for the failure message. */
    const claims: string[] = [];
    try {
      const a = new ControllerProcess(sim, dir, { afterCall: () => (minServing = Math.min(minServing, sim.inServiceCount(lb))) });
      const b = new ControllerProcess(sim, dir, { afterCall: () => (minServing = Math.min(minServing, sim.inServiceCount(lb))) });
      const check = (who: string, ami: string) => (pass: FleetPass) => {
        const d = pass.deployment ?? pass.status.deployment;
        if (d && d.result !== 'InProgress') claims.push(`${who} (${ami}): ${d.id} ${d.result} ${d.reason ?? ''} ${d.message}`);
        if (d?.result !== 'Succeeded') return;
        const group = /^(\S+) serves (\S+)$/.exec(d.message ?? '');
        expect(group).not.toBeNull();
        const truth = truthOf(sim, lb, group![1]);
        expect({ claim: d.message, ...truth }).toMatchObject({ exists: true, inService: truth.desired, amis: [group![2]] });
      };
      const drive = async (proc: ControllerProcess, fleet: DesiredFleet, who: string) => {
        const saw = check(who, String(fleet.image.ami));
        const reconcile = proc.reconciler.reconcile.bind(proc.reconciler);
        proc.reconciler.reconcile = async (f) => {
          const pass = await reconcile(f);
          saw(pass);
          return pass;
        };
        return proc.drive(fleet, 4 * 3600_000);
      };
      await Promise.all([drive(a, fleetWith(AMI.r2), 'A'), drive(b, fleetWith(AMI.r3), 'B')]);
      await a.reconciler.close();
      await b.reconciler.close();
      expect(minServing).toBeGreaterThanOrEqual(2);
      // The end: one live group, serving in full, one AMI.
      const live = sim.groups().filter((g) => !g.deleting);
      expect(live).toHaveLength(1);
      const end = truthOf(sim, lb, live[0].name);
      expect(end).toMatchObject({ exists: true, desired: 2, inService: 2, onLb: 2 });
      expect(end.amis).toHaveLength(1);
    } finally {
      unsubscribe();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
