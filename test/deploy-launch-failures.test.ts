/**
 * A swap whose green group cannot launch, over the simulated account: a cause that will not
 * fix itself rolls back within one poll; a capacity shortage gets bounded retries (a passing
 * one does not fail the swap, a lasting one does, before the healthy timeout). Blue serves N/N
 * throughout and green is deleted.
 */
import { createSwapMachine } from '../src/deploy/machines';
import type { SwapInput, SwapOutput } from '../src/deploy/machines/swap.machine';
import type { DesiredFleet } from '../src/model/fleet';
import { desiredFleet } from './support/planner/fixtures';
import { AMI, createDeployEnv, LB, type DeployEnv } from './deploy-env';

const BLUE = 'magento-marketplace-v001';
const GREEN = 'magento-marketplace-v002';

function swapInput(d: DesiredFleet): SwapInput {
  return {
    fleet: d.name, generation: 2, blueGroup: BLUE, amiId: AMI.r2, desiredAtStart: 2,
    healthyTimeoutSeconds: d.deploy.healthyTimeoutSeconds, soakSeconds: d.deploy.soakSeconds,
    keepPreviousSeconds: d.deploy.keepPreviousSeconds, drainingSeconds: d.loadBalancer.connectionDrainingSeconds,
    rollbackOnAlarms: d.deploy.rollbackOnAlarms,
  };
}

async function readyEnv(d: DesiredFleet): Promise<DeployEnv> {
  const env = createDeployEnv(d);
  env.sim.setLoad(LB, 130);
  await env.converge(d);
  return env;
}

async function swapWith(fault: (env: DeployEnv, d: DesiredFleet) => void) {
  const d = desiredFleet();
  const env = await readyEnv(d);
  fault(env, d);
  const started = env.clock.nowMs();
  let rollbackAt: number | undefined;
  const result = await env.run(createSwapMachine(env.ports.swap), 'swap', swapInput(d), (s) => {
    if (rollbackAt === undefined && typeof s.value === 'object' && 'rollback' in s.value) rollbackAt = env.clock.nowMs();
  });
  return { env, d, result, output: result.output as SwapOutput, rollbackAfterMs: rollbackAt === undefined ? undefined : rollbackAt - started };
}

function expectBlueServing(env: DeployEnv, minServing: number) {
  expect(minServing).toBeGreaterThanOrEqual(2);
  expect(env.callsOf('DetachLoadBalancers', (i) => i.AutoScalingGroupName === BLUE)).toEqual([]);
  env.advanceUntil(() => !env.sim.group(GREEN));
  expect(env.sim.group(BLUE)).toMatchObject({ desired: 2, loadBalancers: [LB] });
  expect(env.sim.inServiceCount(LB)).toBe(2);
}

describe('a swap whose green cannot launch (simulated account)', () => {
  it('denied launches: rolled back within one poll as LaunchFailed with EC2\'s text', async () => {
    const { env, result, output, rollbackAfterMs } = await swapWith((e) => e.sim.denyLaunches(3_600_000));
    expect(output).toMatchObject({ status: 'rolledBack', reason: 'LaunchFailed' });
    expect((output as { message: string }).message).toMatch(/^launching instances into group magento-marketplace-v002: You are not authorized to perform this operation\..* \(UnauthorizedOperation\)$/);
    expect(rollbackAfterMs).toBeLessThanOrEqual(30_000);
    expectBlueServing(env, result.minServing);
  });

  it('a lasting capacity shortage: bounded retries, then LaunchFailed before the healthy timeout', async () => {
    const { env, d, result, output, rollbackAfterMs } = await swapWith((e, f) => e.sim.setCapacityShortage(f.instances.type, 3_600_000));
    expect(output).toMatchObject({ status: 'rolledBack', reason: 'LaunchFailed' });
    expect((output as { message: string }).message).toMatch(/\(6 failed launches in a row\): We currently do not have sufficient .* \(InsufficientInstanceCapacity\)$/);
    expect(rollbackAfterMs).toBeGreaterThan(120_000);
    expect(rollbackAfterMs).toBeLessThan(d.deploy.healthyTimeoutSeconds * 1000);
    expectBlueServing(env, result.minServing);
  });

  it('a passing capacity shortage does not fail the swap', async () => {
    const { output, result } = await swapWith((e, f) => e.sim.setCapacityShortage(f.instances.type, 90_000));
    expect(output).toMatchObject({ status: 'succeeded', greenGroup: GREEN });
    expect(result.minServing).toBeGreaterThanOrEqual(2);
  });
});
