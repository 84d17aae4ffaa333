import { prepareRollingVersion } from '../src/deploy/actors';
import { createRollingMachine } from '../src/deploy/machines';
import type { RollingInput } from '../src/deploy/machines/rolling.machine';
import { desiredFleet } from './support/planner/fixtures';
import { AMI, createDeployEnv, LB } from './deploy-env';

const GROUP = 'magento-marketplace-v001';

describe('rolling deployment over the simulated account', () => {
  it('refreshes every instance to the new AMI, keeping the minimum healthy, and leaves a converged fleet', async () => {
    const d = desiredFleet({ deploy: { ...desiredFleet().deploy, strategy: 'rolling', minHealthyPercent: 50 } });
    const env = createDeployEnv(d);
    env.sim.setLoad(LB, 130);
    await env.converge(d);
    const versionsBefore = env.callsOf('CreateLaunchTemplateVersion').length;

    // The machine makes the launch template version itself, as its first (persisted) step.
    const input: RollingInput = {
      fleet: d.name, groupName: GROUP, amiId: AMI.r2, deploymentId: 'rolling-1', pinnedVersion: 1, minHealthyPercent: 50, timeoutSeconds: 3600,
    };
    const result = await env.run(createRollingMachine(env.ports.rolling), 'rolling', input);
    expect(result.output).toMatchObject({ status: 'succeeded' });
    expect(env.callsOf('CreateLaunchTemplateVersion')).toHaveLength(versionsBefore + 1);
    // Making it again (a restored snapshot) finds the version this deployment made.
    const ctx = { logger: env.logger, sleep: env.sleep, fleet: d, clock: env.clock };
    expect(await prepareRollingVersion(env.clients, ctx, { amiId: AMI.r2, deploymentId: 'rolling-1' })).toMatchObject({ version: 2 });
    expect(env.callsOf('CreateLaunchTemplateVersion')).toHaveLength(versionsBefore + 1);
    expect(result.minServing).toBeGreaterThanOrEqual(1);
    expect(env.callsOf('StartInstanceRefresh')).toHaveLength(1);
    expect((env.callsOf('StartInstanceRefresh')[0].input as any).Preferences).toMatchObject({ MinHealthyPercentage: 50 });

    env.advanceUntil(() => env.sim.group(GROUP)!.instances.every((i) => i.lifecycle === 'InService') && env.sim.inServiceCount(LB) === 2);
    const images = env.sim.instances().filter((i) => i.group === GROUP && i.state === 'running').map((i) => i.imageId);
    expect(images).toEqual([AMI.r2, AMI.r2]);
    const plan = await env.reconcile(desiredFleet({ ...d, image: { ami: AMI.r2 } }), { dryRun: true });
    expect(plan.plan.steps).toEqual([]);

    // Starting again (a restored snapshot) reuses the successful refresh instead of replacing every instance again.
    expect(await env.ports.rolling.startInstanceRefresh({ groupName: GROUP, launchTemplateVersion: 2, minHealthyPercent: 50 })).toEqual({
      refreshId: (result.output as { refreshId: string }).refreshId,
    });
    expect(env.callsOf('StartInstanceRefresh')).toHaveLength(1);
  });
});
