import { createBakeMachine } from '../src/deploy/machines';
import type { BakeInput, BakeOutput } from '../src/deploy/machines/bake.machine';
import { crashAndRestore } from './support/deploy/harness';
import { BAKE_RESULT_MARKER, TAG_BAKE_TOKEN } from '../src/deploy/actors';
import { desiredFleet } from './support/planner/fixtures';
import { BAKE_MARKER } from '../src/sim';
import { AMI, createDeployEnv } from './deploy-env';

const COMMIT = '3f9c2ab17d04e85b6c1f0a9e2d7b45c8a1e6f203';
const BAD_COMMIT = '9a8b7c6d5e4f30211f0e9d8c7b6a594837261504';

function bakeFleet() {
  return desiredFleet({
    image: {
      bake: {
        baseAmi: AMI.base,
        repository: 'git@gitlab.example.com:shop/magento.git',
        branch: 'main',
        buildScript: 'composer install --no-dev\nbin/magento setup:di:compile\n',
        builderInstanceType: 'c5.xlarge',
        timeoutSeconds: 1800,
        from: 'base',
      },
    },
  });
}

function bakeInput(commit: string, deploymentId: string): BakeInput {
  const bake = bakeFleet().image.bake!;
  return {
    fleet: 'magento-marketplace', commit, repository: bake.repository, branch: bake.branch, baseAmi: bake.baseAmi,
    builderInstanceType: bake.builderInstanceType, timeoutSeconds: bake.timeoutSeconds, deploymentId,
  };
}

const builders = (env: ReturnType<typeof createDeployEnv>) => env.sim.instances().filter((i) => i.tags['drover:role'] === 'builder');
const imagesOf = (env: ReturnType<typeof createDeployEnv>, commit: string) =>
  Object.values(env.sim.snapshot().images).filter((i) => i.tags['drover:commit'] === commit);

describe('bake over the simulated account', () => {
  it('uses the marker text the simulated builder prints', () => {
    expect(BAKE_RESULT_MARKER).toBe(BAKE_MARKER);
  });

  it('bakes a commit into one tagged image, terminates the builder, and reuses the image next time', async () => {
    const env = createDeployEnv(bakeFleet());
    const machine = createBakeMachine(env.ports.bake);
    const first = await env.run(machine, 'bake', bakeInput(COMMIT, 'd1'));
    const out = first.output as BakeOutput;
    expect(first.status).toBe('done');
    expect(out).toMatchObject({ status: 'succeeded', reused: false });
    const imageId = (out as { imageId: string }).imageId;

    const images = imagesOf(env, COMMIT);
    expect(images.map((i) => i.id)).toEqual([imageId]);
    expect(images[0]).toMatchObject({ state: 'available' });
    expect(images[0].tags).toMatchObject({
      'drover:fleet': 'magento-marketplace', 'drover:managed-by': 'drover', 'drover:commit': COMMIT,
      'drover:repository': 'git@gitlab.example.com:shop/magento.git', 'drover:branch': 'main',
    });
    expect(images[0].tags['drover:baked-at']).toMatch(/^\d{4}-\d\d-\d\dT/);

    const [builder] = builders(env);
    expect(builders(env)).toHaveLength(1);
    expect(['shutting-down', 'terminated']).toContain(builder.state);
    expect(builder.tags).toMatchObject({ Name: `drover-builder-magento-marketplace-${COMMIT.slice(0, 12)}`, 'drover:commit': COMMIT });
    expect(builder.buildCommit).toBe(COMMIT);

    const [run] = env.callsOf('RunInstances');
    const input = run.input as any;
    expect(input).toMatchObject({ ImageId: AMI.base, InstanceType: 'c5.xlarge', SubnetId: 'subnet-0a1b2c3d4e5f60001', InstanceInitiatedShutdownBehavior: 'stop' });
    expect(input.SecurityGroupIds).toEqual(['sg-0a1b2c3d4e5f60001']);
    expect(input.TagSpecifications.map((s: any) => s.ResourceType)).toEqual(['instance', 'volume']);
    expect(input.ClientToken).toMatch(/^drover-bake-magento-marketplace-/);
    const script = Buffer.from(input.UserData, 'base64').toString('utf8');
    expect(script).toContain(`export DROVER_COMMIT=${COMMIT}\n`);
    expect(script).toContain('shutdown -h now');

    const again = await env.run(machine, 'bake', bakeInput(COMMIT, 'd2'));
    expect(again.output).toEqual({ status: 'succeeded', imageId, reused: true });
    expect(env.callsOf('RunInstances')).toHaveLength(1);
    expect(env.callsOf('CreateImage')).toHaveLength(1);
  });

  it('reports a failing build with its message, terminates the builder and creates no image', async () => {
    const env = createDeployEnv(bakeFleet());
    env.sim.setBuildResult(BAD_COMMIT, { ok: false, message: 'composer: dependency conflict' });
    const result = await env.run(createBakeMachine(env.ports.bake), 'bake', bakeInput(BAD_COMMIT, 'd1'));
    expect(result.output).toEqual({ status: 'failed', reason: 'BuildFailed', message: 'composer: dependency conflict' });
    expect(builders(env).map((b) => b.state).every((s) => s === 'shutting-down' || s === 'terminated')).toBe(true);
    expect(builders(env)).toHaveLength(1);
    expect(imagesOf(env, BAD_COMMIT)).toEqual([]);
    expect(env.callsOf('CreateImage')).toEqual([]);
  });

  it('launches one builder even when the process dies right after RunInstances', async () => {
    const env = createDeployEnv(bakeFleet());
    // Save 1: findExistingImage invoked; save 2: launchBuilder invoked. Its effect lands, its result is lost.
    const { result } = await crashAndRestore(
      createBakeMachine(env.ports.bake),
      { clock: env.clock, input: bakeInput(COMMIT, 'd1'), kind: 'bake', fleet: 'magento-marketplace' },
      2,
      'afterEffect',
    );
    expect(result.output).toMatchObject({ status: 'succeeded', reused: false });
    expect(env.callsOf('RunInstances').length).toBeGreaterThanOrEqual(2);
    expect(builders(env)).toHaveLength(1);
    expect(imagesOf(env, COMMIT)).toHaveLength(1);
  });

  it('terminates a builder found by its launch token when its id was never saved', async () => {
    const env = createDeployEnv(bakeFleet());
    const launched = await env.ports.bake.launchBuilder({
      fleet: 'magento-marketplace', commit: COMMIT, repository: 'r', branch: 'main', baseAmi: AMI.base, instanceType: 'c5.xlarge', clientToken: 'tok-1',
    });
    expect(builders(env)[0].tags[TAG_BAKE_TOKEN]).toBe('tok-1');
    await env.ports.bake.terminateBuilder({ clientToken: 'tok-1' });
    expect(builders(env).find((b) => b.id === launched.instanceId)?.state).toBe('shutting-down');
    await expect(env.ports.bake.terminateBuilder({ clientToken: 'tok-1', instanceId: launched.instanceId })).resolves.toBeUndefined();
  });
});
