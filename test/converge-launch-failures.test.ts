/**
 * A new fleet whose instances cannot launch (issue 10, reproduction 4, converge side): the
 * fleet's status says so with AWS's reason (Ready False, Degraded True, reason LaunchFailed),
 * instead of waiting silently; once launches succeed again, the condition clears.
 */
import { nextFleetStatus } from '../src/controllers/fleet/status-writer';
import { desiredFleet } from './support/planner/fixtures';
import { createCloudEnv } from './cloud-env';

describe('converging a fleet whose launches fail', () => {
  it('a capacity shortage that lasts becomes LaunchFailed with AWS\'s message, and clears when capacity returns', async () => {
    const env = createCloudEnv();
    const d = desiredFleet();
    env.sim.setCapacityShortage(d.instances.type, 20 * 60_000);
    const results = await env.converge(d, 60);
    const last = results[results.length - 1];
    expect(last.failed).toBeUndefined();
    expect(last.readiness).toMatchObject({ ready: false, reason: 'LaunchFailed' });
    expect(last.readiness.message).toMatch(/^launching instances into group magento-marketplace-v001 \(\d+ failed launches in a row\): We currently do not have sufficient \S+ capacity .* \(InsufficientInstanceCapacity\)$/);
    const status = nextFleetStatus(undefined, d, last, env.clock.now());
    expect(status.conditions.find((c) => c.type === 'Degraded')).toMatchObject({ status: 'True', reason: 'LaunchFailed', message: last.readiness.message });
    expect(status.conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'LaunchFailed' });

    env.sim.advance(20 * 60_000);
    const again = await env.converge(d, 30);
    expect(again[again.length - 1].readiness).toMatchObject({ ready: true, reason: 'Ready' });
  });

  it('a converged fleet reads no scaling activities', async () => {
    const env = createCloudEnv();
    const d = desiredFleet();
    expect((await env.converge(d)).pop()!.readiness.ready).toBe(true);
    const before = env.sim.calls.length;
    await env.reconcile(d);
    expect(env.sim.calls.slice(before).some((c) => c.operation === 'DescribeScalingActivities')).toBe(false);
  });
});
