import { SimAccount } from '../sim';
import { createWebFleet, simClients } from '../../test/support/sim';
import { CapacityWatch, REPLACE_MS } from './capacity';
import type { SoakFleet } from './fleets';

async function servingFleet() {
  const sim = new SimAccount({ seed: 3 });
  const made = await createWebFleet(simClients(sim), { name: 'web', desired: 2, min: 2, grace: 30, healthCheck: { interval: 10, healthyThreshold: 2, unhealthyThreshold: 2 } });
  sim.advance(5 * 60_000);
  expect(sim.inServiceCount(made.lbName)).toBe(2);
  const fleet: SoakFleet = { name: 'web', loadBalancer: made.lbName, instanceType: 't3.medium', min: 2, max: 4, project: 'shop/web' };
  const watch = new CapacityWatch(sim, [fleet]);
  const detach = watch.attach();
  sim.advance(1_000);
  const victim = Object.keys(sim.loadBalancer(made.lbName)!.instances)[0];
  return { sim, watch, detach, victim };
}

describe('capacity watch', () => {
  it('records the first tick a fleet serves below its minimum', async () => {
    const { sim, watch, detach, victim } = await servingFleet();
    await sim.dispatch('EC2', 'TerminateInstances', { InstanceIds: [victim] });
    sim.advance(60_000);
    detach();
    expect(watch.breach).toMatchObject({ fleet: 'web', inService: 1, min: 2, excused: 0 });
    expect(watch.checks).toBeGreaterThan(0);
    expect(watch.lowestSeen().get('web')).toBe(1);
  });

  it('excuses an instance the account failed until it could be replaced, even through a shortage', async () => {
    const { sim, watch, detach, victim } = await servingFleet();
    sim.setCapacityShortage('t3.medium', 5 * 60_000);
    watch.shortage('t3.medium', sim.nowMs() + 5 * 60_000);
    watch.accountFailed('web');
    await sim.dispatch('EC2', 'TerminateInstances', { InstanceIds: [victim] });
    sim.advance(5 * 60_000 + REPLACE_MS - 60_000);
    detach();
    expect(watch.lowestSeen().get('web')).toBe(1);
    expect(watch.breach).toBeUndefined();
    expect(sim.inServiceCount('web')).toBe(2);
  });
});
