/**
 * `plan` and `apply` agree (issue 10, "What to build" 5): on random worlds (a converged fleet,
 * then drift in AWS, a manifest AMI, and random controller memory: baked targets, deployed
 * images, rolled-back AMIs, a requested bake), the first `apply` pass performs exactly the
 * steps `plan` printed and starts exactly the deployment plan named (or none, or blocked).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { FleetReconciler } from '../src/controllers/fleet/reconciler';
import type { DeploymentDecision } from '../src/controllers/fleet/deployment-decision';
import { specHash, type FleetMemory, type ImageRef } from '../src/controllers/fleet/fleet-memory';
import { MemorySnapshotStore } from '../src/deploy/snapshot-store';
import { loadManifestFile } from '../src/manifest';
import { createSimEnv, wireSimEnv } from '../src/main/sim-env';
import type { DesiredFleet } from '../src/model/fleet';
import { resourceNames } from '../src/model/names';
import { isReportOnly } from '../src/model/plan';
import { SimAccount } from '../src/sim';
import { createMemoryLogger } from '../src/log/logger';
import { flush, passVirtualTime } from '../src/util/virtual-drive';

const AMI = { base: 'ami-0a1b2c3d4e5f60001', r2: 'ami-0a1b2c3d4e5f60002', r3: 'ami-0a1b2c3d4e5f60003' };
const BASE = loadManifestFile(path.resolve(__dirname, '../manifests/examples/magento-marketplace.yaml'))[0];

interface World {
  manifestAmi: string;
  rolling: boolean;
  maxSize?: number;
  dropAlarm: boolean;
  target?: { ami: string; pinned: boolean; commit?: string };
  deployed?: { ami: string; pinned: boolean; commit?: string };
  failed: string[];
  pendingBake: boolean;
  /** A swap to AMI r2 started by an earlier process: its record kept, lost, or none. */
  midSwap: 'no' | 'recorded' | 'lost';
}

const amiArb = fc.constantFrom(AMI.base, AMI.r2, AMI.r3);
const refArb = fc.option(fc.record({ ami: amiArb, pinned: fc.boolean(), commit: fc.option(fc.constantFrom('4f2a9c1e77', 'deadbeef01'), { nil: undefined }) }), { nil: undefined });
const worldArb: fc.Arbitrary<World> = fc.record({
  manifestAmi: fc.constantFrom(AMI.base, AMI.base, AMI.r2),
  rolling: fc.boolean(),
  maxSize: fc.option(fc.integer({ min: 3, max: 9 }), { nil: undefined }),
  dropAlarm: fc.boolean(),
  target: refArb,
  deployed: refArb,
  failed: fc.subarray([AMI.base, AMI.r2, AMI.r3]),
  pendingBake: fc.boolean(),
  midSwap: fc.constantFrom('no' as const, 'no' as const, 'recorded' as const, 'lost' as const),
});

function fleetOf(w: World): DesiredFleet {
  return { ...BASE, image: { ...BASE.image, ami: w.manifestAmi }, deploy: { ...BASE.deploy, strategy: w.rolling ? 'rolling' : 'blueGreen' } } as DesiredFleet;
}

function memoryOf(w: World, fleet: DesiredFleet): FleetMemory {
  const ref = (r: World['target']): ImageRef | undefined => r && { ami: r.ami, ...(r.commit ? { commit: r.commit } : {}), pinnedAmi: r.pinned ? w.manifestAmi : 'ami-0ffffffffffffffff' };
  const hash = specHash(fleet);
  return {
    fleet: fleet.name,
    ...(w.target ? { target: ref(w.target) } : {}),
    ...(w.deployed ? { deployed: ref(w.deployed) } : {}),
    failed: w.failed.map((ami) => ({ ami, specHash: hash, reason: 'GreenUnhealthy', message: 'never healthy', at: '2026-11-26T08:00:00.000Z' })),
    ...(w.pendingBake ? { pendingBake: { commit: 'c0ffee0042', at: '2026-11-26T08:30:00.000Z' } } : {}),
  };
}

/** What apply started, as plan's decision names it. */
function expectedKind(d: DeploymentDecision | undefined): string | undefined {
  if (!d) return undefined;
  if (d.action === 'rollout') return d.strategy;
  if (d.action === 'bake') return 'bake';
  if (d.action === 'recoverSwap') return 'swap';
  if (d.action === 'continue') return d.kind;
  return undefined;
}

/** An earlier process started a swap and stopped after green was created (its record saved). */
async function startSwap(controller: FleetReconciler, fleet: DesiredFleet, sim: SimAccount): Promise<void> {
  await controller.reconcile(fleet);
  await passVirtualTime(sim.clock, (d) => sim.advance(d), 30_000, () => controller.runner.quiesce(flush));
  await controller.close();
}

const planned0 = (p: { result: { plan: { steps: { kind: string }[] } } }) => p.result.plan.steps.some((s) => !isReportOnly(s as never));

describe('plan and apply agree on random worlds', () => {
  let converged: unknown;
  const dirs: string[] = [];

  beforeAll(async () => {
    const env = createSimEnv();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-plan-apply-'));
    dirs.push(dir);
    const controller = new FleetReconciler({ ...env, stateDir: dir, snapshots: new MemorySnapshotStore() });
    for (let i = 0; i < 40; i++) {
      const pass = await controller.reconcile(BASE);
      if (pass.result.readiness.ready && !pass.result.plan.steps.length) break;
      env.sim.advance(pass.requeueAfterMs);
    }
    await controller.close();
    converged = JSON.parse(JSON.stringify(env.sim.toJSON()));
  });
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  async function worldFor(w: World) {
    const sim = SimAccount.fromJSON(JSON.parse(JSON.stringify(converged)));
    const env = wireSimEnv(sim, createMemoryLogger());
    const fleet = fleetOf(w);
    const names = resourceNames(fleet.name);
    if (w.maxSize) await env.clients.autoScaling.UpdateAutoScalingGroup({ AutoScalingGroupName: `${fleet.name}-v001`, MaxSize: w.maxSize });
    if (w.dropAlarm) await env.clients.cloudWatch.DeleteAlarms({ AlarmNames: [names.scaleOutAlarm] });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-plan-apply-'));
    dirs.push(dir);
    const snapshots = new MemorySnapshotStore();
    const controller = () => new FleetReconciler({ ...env, stateDir: dir, snapshots });
    if (w.midSwap !== 'no') await startSwap(controller(), { ...fleet, image: { ...fleet.image, ami: AMI.r2 } }, env.sim);
    if (w.midSwap === 'lost') await snapshots.delete(fleet.name);
    const first = controller();
    await first.memory.save(memoryOf(w, fleet));
    return { fleet, controller, first };
  }

  it('the first apply pass does exactly what plan printed', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(worldArb, async (w) => {
        const { fleet, controller, first } = await worldFor(w);
        const preview = await first.preview(fleet);
        await first.close();
        seen.add(preview.decision?.action ?? 'failed');
        if (planned0(preview)) seen.add('steps');
        const held = preview.decision?.action === 'continue';
        const planned = held ? [] : preview.result.plan.steps.filter((s) => !isReportOnly(s)).map((s) => `${s.kind} ${s.resource}`);
        const applier = controller();
        const pass = await applier.reconcile(fleet);
        await applier.close();
        const applied = pass.result.applied.map((a) => `${a.step.kind} ${a.step.resource}`);
        const waiting = pass.result.waiting ? [`${pass.result.waiting.step.kind} ${pass.result.waiting.step.resource}`] : [];
        expect([...applied, ...waiting]).toEqual(planned.slice(0, applied.length + waiting.length));
        if (!pass.result.waiting && !pass.result.failed) expect(applied).toEqual(planned);
        if (pass.result.failed) return;
        expect(pass.deployment?.kind).toBe(expectedKind(preview.decision));
        expect(pass.blocked).toBe(preview.decision?.action === 'blocked' ? preview.decision.reason : undefined);
      }),
      { seed: 20261204, numRuns: 40 },
    );
    // The random worlds reach every kind of decision, and steps to apply besides.
    expect([...seen].sort()).toEqual(expect.arrayContaining(['blocked', 'bake', 'continue', 'none', 'recoverSwap', 'rollout', 'steps']));
  });
});
