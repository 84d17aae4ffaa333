/**
 * The canary weight port on an ALB, against the simulated account: green's Auto Scaling group is
 * attached to the other target group, a weight waits for enough healthy green targets, and the
 * weight is the listener's forward weights (0 sends everything back to blue).
 */
import { createAwsPort } from '../../aws/clients';
import { nullLogger } from '../../log/logger';
import type { DesiredFleet } from '../../model/fleet';
import { createSimPlugin, SimAccount } from '../../sim';
import type { DeployPortsContext } from '../deploy-context';
import { createAlb, createTargetGroup, createTargetGroupFleet, createWeightedListener } from '../../../test/support/sim-elbv2';
import { simClients } from '../../../test/support/sim';
import { desiredFleet } from '../../../test/support/planner/fixtures';
import { setTargetGroupWeight } from './canary-weight';

const MIN = 60_000;

async function setup() {
  const sim = new SimAccount({ seed: 3 });
  const c = simClients(sim);
  const lb = await createAlb(c.elbv2);
  const blue = await createTargetGroup(c.elbv2, 'shop-blue');
  const green = await createTargetGroup(c.elbv2, 'shop-green');
  // Both groups are in the forward action (green at 0), so ELBv2 health-checks green's targets.
  await createWeightedListener(c.elbv2, lb, [[blue, 100], [green, 0]]);
  await createTargetGroupFleet(c, 'shop-v001', { desired: 2, targetGroups: [blue] });
  await createTargetGroupFleet(c, 'shop-v002', { desired: 1, targetGroups: [] });
  const base = desiredFleet({ name: 'shop' });
  const fleet: DesiredFleet = {
    ...base,
    loadBalancer: {
      ...base.loadBalancer,
      name: 'shop',
      elbv2: {
        type: 'application',
        listener: { protocol: 'HTTP', port: 80 },
        targetGroup: { protocol: 'HTTP', port: 80, healthCheck: { path: '/health', intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 3, unhealthyThreshold: 2 }, deregistrationDelaySeconds: 30 },
      },
    },
  };
  const clients = createAwsPort({ region: 'eu-west-1', plugin: createSimPlugin(sim) });
  const ctx: DeployPortsContext = { logger: nullLogger, sleep: (ms) => sim.clock.sleep(ms), fleet, clock: sim.clock };
  const weights = () => {
    const [l] = Object.values(sim.snapshot().elbv2!.listeners);
    const name = (arn: string) => Object.values(sim.snapshot().elbv2!.targetGroups).find((t) => t.arn === arn)!.name;
    return Object.fromEntries((l!.actions[0]!.targetGroups ?? []).map((t) => [name(t.arn), t.weight]));
  };
  return { sim, clients, ctx, weights, green };
}

describe('setTargetGroupWeight', () => {
  it('attaches green, waits for its healthy targets, then splits the listener; weight 0 returns to blue', async () => {
    const { sim, clients, ctx, weights, green } = await setup();
    sim.advance(3 * MIN);
    const input = { fleet: 'shop', blueGroup: 'shop-v001', greenGroup: 'shop-v002', weight: 50, desired: 2 };
    await expect(setTargetGroupWeight(clients, ctx, input)).rejects.toThrow(/green target group shop-green has 0 of the 1 healthy targets/);
    expect(sim.snapshot().groups['shop-v002']!.targetGroups).toEqual([green]);
    expect(weights()).toEqual({ 'shop-blue': 100, 'shop-green': 0 });

    for (let i = 0; i < 6; i++) sim.advance(MIN);
    const facts = await setTargetGroupWeight(clients, ctx, input);
    expect(weights()).toEqual({ 'shop-blue': 50, 'shop-green': 50 });
    expect(facts).toMatchObject({ greenServing: 1, blueServing: 2, approximate: false });

    await setTargetGroupWeight(clients, ctx, { ...input, weight: 0 });
    expect(weights()).toEqual({ 'shop-blue': 100, 'shop-green': 0 });
    // Green leaves the standby group, so a green kept for inspection never serves from it later.
    expect(sim.snapshot().groups['shop-v002']!.targetGroups).toEqual([]);
  });
});
