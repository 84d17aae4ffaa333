/**
 * A rollback must not raise a blue that never left service back to the swap's starting
 * capacity: blue kept its scaling policies while green came up, and if they scaled it in,
 * raising it again makes autoscaling scale in once more, terminating a serving instance while
 * the new ones boot (the chaos soak saw InService fall below the minimum this way).
 */
import { createSwapMachine } from '../src/deploy/machines';
import type { SwapOutput } from '../src/deploy/machines/swap.machine';
import { desiredFleet } from './support/planner/fixtures';
import { AMI, createDeployEnv, LB } from './deploy-env';

const BLUE = 'magento-marketplace-v001';

it('a rollback keeps the capacity blue scaled to during the swap, and finishes', async () => {
  const d = desiredFleet();
  const env = createDeployEnv(d);
  env.sim.setLoad(LB, 130);
  await env.converge(d);
  await env.clients.autoScaling.SetDesiredCapacity({ AutoScalingGroupName: BLUE, DesiredCapacity: 3 });
  env.advanceUntil(() => env.sim.inServiceCount(LB) === 3);
  env.sim.markAmiBroken(AMI.r3);
  let scaledIn = false;
  const input = {
    fleet: d.name, generation: 2, blueGroup: BLUE, amiId: AMI.r3, desiredAtStart: 3,
    healthyTimeoutSeconds: d.deploy.healthyTimeoutSeconds, soakSeconds: d.deploy.soakSeconds,
    keepPreviousSeconds: d.deploy.keepPreviousSeconds, drainingSeconds: d.loadBalancer.connectionDrainingSeconds,
    rollbackOnAlarms: d.deploy.rollbackOnAlarms,
  };
  const result = await env.run(createSwapMachine(env.ports.swap), 'swap', input, (s: any) => {
    if (scaledIn || JSON.stringify(s.value).indexOf('waitGreenHealthy') < 0) return;
    scaledIn = true;
    // Blue's own scale-in policy, while green is coming up.
    void env.clients.autoScaling.SetDesiredCapacity({ AutoScalingGroupName: BLUE, DesiredCapacity: 2 });
  });
  expect(scaledIn).toBe(true);
  expect((result.output as SwapOutput).status).toBe('rolledBack');
  expect(env.callsOf('UpdateAutoScalingGroup', (i) => i.AutoScalingGroupName === BLUE && i.DesiredCapacity === 3)).toEqual([]);
  expect(env.sim.group(BLUE)).toMatchObject({ desired: 2, loadBalancers: [LB], suspended: [] });
  expect(env.sim.inServiceCount(LB)).toBeGreaterThanOrEqual(2);
});
