/**
 * Image retention end to end over the simulated account: bake commits, serve one, and let the
 * reconcile retire the rest beyond `retain`, snapshots included, keeping what is in use.
 */
import { deregisterImageAndSnapshots } from '../src/providers/image/images';
import type { BakeOutput } from '../src/deploy/machines/bake.machine';
import { createBakeMachine } from '../src/deploy/machines';
import type { DesiredFleet } from '../src/model/fleet';
import { desiredFleet, FIXTURE } from './support/planner/fixtures';
import { AMI, createDeployEnv, type DeployEnv } from './deploy-env';

const RECIPE = {
  baseAmi: AMI.base,
  repository: 'git@gitlab.example.com:shop/magento.git',
  branch: 'main',
  buildScript: 'make\n',
  builderInstanceType: 'c5.xlarge',
  timeoutSeconds: 1800,
  from: 'base' as const,
};
const commit = (n: number) => `${String(n).repeat(8)}${'0'.repeat(32)}`.slice(0, 40);

async function bakeCommits(env: DeployEnv, count: number): Promise<string[]> {
  const machine = createBakeMachine(env.ports.bake);
  const ids: string[] = [];
  for (let n = 1; n <= count; n++) {
    const input = { fleet: 'magento-marketplace', commit: commit(n), repository: RECIPE.repository, branch: RECIPE.branch, baseAmi: RECIPE.baseAmi, builderInstanceType: RECIPE.builderInstanceType, timeoutSeconds: RECIPE.timeoutSeconds, deploymentId: `bake-${n}` };
    const out = (await env.run(machine, 'bake', input)).output as BakeOutput;
    if (out.status !== 'succeeded') throw new Error(`baking commit ${n}: ${JSON.stringify(out)}`);
    ids.push(out.imageId);
    env.sim.advance(60_000);
  }
  return ids;
}

const fleetWith = (ami: string, retain: number): DesiredFleet => desiredFleet({ image: { ami, bake: RECIPE, retain } });
const images = (env: DeployEnv) => Object.keys(env.sim.snapshot().images);
const snapshots = (env: DeployEnv) => Object.keys(env.sim.snapshot().snapshots ?? {});

describe('image retention over the simulated account', () => {
  it('keeps the serving image, the rollback target, the newest 2 and an image a template version uses; retires the rest with snapshots', async () => {
    const env = createDeployEnv(fleetWith(FIXTURE.amis[0], 7));
    const baked = await bakeCommits(env, 7);
    const snapOf = new Map(baked.map((id) => [id, env.sim.snapshot().images[id].snapshotId]));
    // Serve the third bake; retain 7 keeps everything while the fleet converges.
    await env.converge(fleetWith(baked[2], 7));
    expect(baked.every((id) => images(env).includes(id))).toBe(true);
    // A template version of the fleet refers to the fourth (say, a deployment being prepared).
    const lt = env.sim.snapshot().launchTemplates;
    const ltId = Object.values(lt).find((t) => t.name === 'drover-magento-marketplace')!.id;
    await env.clients.ec2.CreateLaunchTemplateVersion({ LaunchTemplateId: ltId, SourceVersion: '1', LaunchTemplateData: { ImageId: baked[3] } });

    const d = fleetWith(baked[2], 2);
    const dry = await env.reconcile(d, { dryRun: true });
    expect(dry.plan.steps.map((s) => `${s.kind} ${s.resource}`)).toEqual([`deregisterImage image/${baked[0]}`, `deregisterImage image/${baked[4]}`]);
    expect(dry.readiness.ready).toBe(true);

    const pass = await env.reconcile(d);
    expect(pass.failed).toBeUndefined();
    expect(pass.readiness.ready).toBe(true);
    const kept = [baked[1], baked[2], baked[3], baked[5], baked[6]];
    expect(images(env).filter((id) => baked.includes(id)).sort()).toEqual([...kept].sort());
    for (const gone of [baked[0], baked[4]]) expect(snapshots(env)).not.toContain(snapOf.get(gone));
    for (const id of kept) expect(snapshots(env)).toContain(snapOf.get(id));
    // Deregistration carried the snapshots with it, and no step failed on a snapshot in use.
    expect(env.callsOf('DeregisterImage').map((c) => (c.input as any).DeleteAssociatedSnapshots)).toEqual([true, true]);
    expect(env.sim.calls.filter((c) => c.error && /Image|Snapshot/.test(c.operation))).toEqual([]);

    const steady = await env.reconcile(d);
    expect(steady.plan.steps).toEqual([]);
  });

  it('re-checks the world before deleting: an instance launched from the image keeps it', async () => {
    const env = createDeployEnv(fleetWith(FIXTURE.amis[0], 3));
    const [first] = await bakeCommits(env, 1);
    await env.clients.ec2.RunInstances({ ImageId: first, InstanceType: 't3.small', MinCount: 1, MaxCount: 1, SubnetId: FIXTURE.subnets[0] });
    const ctx = { logger: env.logger, sleep: env.sleep, fleet: 'magento-marketplace' };
    const out = await deregisterImageAndSnapshots(env.clients, ctx, { imageId: first });
    expect(out).toMatchObject({ status: 'kept', reason: expect.stringMatching(/^image ami-\w+ is still used by instance\/i-[0-9a-f]{17}$/) });
    expect(images(env)).toContain(first);
    expect(env.callsOf('DeregisterImage')).toEqual([]);
  });

  it('refuses an image without the fleet tags, and counts a vanished image as removed', async () => {
    const env = createDeployEnv(fleetWith(FIXTURE.amis[0], 3));
    const ctx = { logger: env.logger, sleep: env.sleep, fleet: 'magento-marketplace' };
    expect(await deregisterImageAndSnapshots(env.clients, ctx, { imageId: AMI.base })).toMatchObject({ status: 'kept' });
    const [id] = await bakeCommits(env, 1);
    const snap = env.sim.snapshot().images[id].snapshotId;
    expect(await deregisterImageAndSnapshots(env.clients, ctx, { imageId: id })).toEqual({ status: 'deleted', snapshotIds: [snap] });
    expect(await deregisterImageAndSnapshots(env.clients, ctx, { imageId: id, snapshotIds: [snap] })).toMatchObject({ status: 'deleted' });
    expect(snapshots(env)).not.toContain(snap);
  });
});
