import { createSwapMachine } from '../src/deploy/machines';
import { desiredFleet } from './support/planner/fixtures';
import { AMI, createDeployEnv, LB } from './deploy-env';

const builderInput = {
  fleet: 'magento-marketplace', commit: 'c0ffee', repository: 'git@x:shop/magento.git', branch: 'main',
  baseAmi: AMI.base, instanceType: 'c5.xlarge', clientToken: 'tok-errors',
};

function bakeFleet() {
  const bake = { baseAmi: AMI.base, repository: 'r', branch: 'main', buildScript: 'true', builderInstanceType: 'c5.xlarge', timeoutSeconds: 600, from: 'base' as const };
  return desiredFleet({ image: { bake } });
}

describe('deploy ports classify AWS errors for the machines', () => {
  it('retries throttling inside the call, in virtual time', async () => {
    const env = createDeployEnv(bakeFleet());
    env.sim.failNext('EC2', 'RunInstances', 'RequestLimitExceeded', 2);
    const before = env.clock.nowMs();
    await expect(env.ports.bake.launchBuilder(builderInput)).resolves.toMatchObject({ instanceId: expect.stringMatching(/^i-[0-9a-f]{17}$/) });
    expect(env.clock.nowMs()).toBeGreaterThan(before);
  });

  it('marks capacity errors retryable and invalid requests terminal, with drover context', async () => {
    const env = createDeployEnv(bakeFleet());
    env.sim.failNext('EC2', 'RunInstances', 'InsufficientInstanceCapacity');
    await expect(env.ports.bake.launchBuilder(builderInput)).rejects.toMatchObject({
      retryable: true,
      message: expect.stringMatching(/^launching builder for commit c0ffee for fleet magento-marketplace: /),
    });
    await expect(env.ports.bake.launchBuilder({ ...builderInput, instanceType: 'not-a-type' })).rejects.toMatchObject({ retryable: false });
  });

  it('treats missing things as done where absence is the goal, and as terminal where they are needed', async () => {
    const env = createDeployEnv(desiredFleet());
    await expect(env.ports.swap.deleteGroup({ groupName: 'magento-marketplace-v009' })).resolves.toBeUndefined();
    await expect(env.ports.swap.detachGreen({ groupName: 'magento-marketplace-v009' })).resolves.toBeUndefined();
    await expect(env.ports.swap.attachGreen({ groupName: 'magento-marketplace-v009' })).rejects.toMatchObject({ retryable: false });
    await expect(env.ports.swap.createLaunchTemplateVersion({ fleet: 'magento-marketplace', generation: 2, amiId: AMI.r2 })).rejects.toMatchObject({
      retryable: false,
      message: 'describing launch template drover-magento-marketplace for fleet magento-marketplace: it does not exist or lacks drover tags',
    });
    await expect(env.ports.bake.terminateBuilder({ instanceId: 'i-0123456789abcdef0', clientToken: 'none' })).resolves.toBeUndefined();
    await expect(env.ports.swap.scaleToZero({ groupName: 'magento-marketplace-v009' })).resolves.toBeUndefined();
    await expect(env.ports.bake.pollBuilder({ instanceId: 'i-0123456789abcdef0' })).resolves.toMatchObject({ state: 'missing' });
    await expect(env.ports.bake.pollImage({ imageId: 'ami-0123456789abcdef0' })).resolves.toMatchObject({ state: 'missing' });
  });

  it('lets the swap machine retry a capacity failure and still succeed', async () => {
    const d = desiredFleet({ deploy: { ...desiredFleet().deploy, soakSeconds: 60, keepPreviousSeconds: 60 } });
    const env = createDeployEnv(d);
    env.sim.setLoad(LB, 130);
    await env.converge(d);
    env.sim.failNext('AutoScaling', 'CreateAutoScalingGroup', 'LimitExceeded');
    const result = await env.run(createSwapMachine(env.ports.swap), 'swap', {
      fleet: d.name, generation: 2, blueGroup: 'magento-marketplace-v001', amiId: AMI.r2, desiredAtStart: 2,
      healthyTimeoutSeconds: 600, soakSeconds: 60, keepPreviousSeconds: 60, drainingSeconds: 30, rollbackOnAlarms: [],
    });
    expect(result.output).toMatchObject({ status: 'succeeded' });
    expect(env.sim.calls.filter((c) => c.operation === 'CreateAutoScalingGroup' && c.error === 'LimitExceeded')).toHaveLength(1);
  });
});
