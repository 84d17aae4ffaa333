import { SimAccount } from '../sim';
import type { SoakFleet } from './fleets';
import { imagesBeyondRetention } from './image-retention';

const FLEET: SoakFleet = { name: 'web', loadBalancer: 'web-elb', instanceType: 't3.medium', min: 1, max: 2, project: 'shop/web' };
const OWNED = [{ Key: 'drover:fleet', Value: 'web' }, { Key: 'drover:managed-by', Value: 'drover' }];

/** Bake `count` images of fleet web, an hour apart; returns their ids, oldest first. */
async function bake(sim: SimAccount, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const run = await sim.dispatch('EC2', 'RunInstances', { ImageId: 'ami-0a1b2c3d4e5f60001', InstanceType: 'c5.xlarge', MinCount: 1, MaxCount: 1 });
    const instanceId = run.Instances[0].InstanceId;
    sim.advance(60_000);
    ids.push((await sim.dispatch('EC2', 'CreateImage', { InstanceId: instanceId, Name: `web-${n}`, TagSpecifications: [{ ResourceType: 'image', Tags: OWNED }] })).ImageId);
    await sim.dispatch('EC2', 'TerminateInstances', { InstanceIds: [instanceId] });
    sim.advance(3600_000);
  }
  return ids;
}

describe('imagesBeyondRetention', () => {
  it('counts the images past the newest N that nothing uses, and drops to 0 once they are deregistered', async () => {
    const sim = new SimAccount();
    const ids = await bake(sim, 5);
    expect(imagesBeyondRetention(sim, [FLEET], 3)).toMatchObject({ count: 2, details: [expect.stringContaining(ids[1]), expect.stringContaining(ids[0])] });
    await sim.dispatch('EC2', 'DeregisterImage', { ImageId: ids[0] });
    expect(imagesBeyondRetention(sim, [FLEET], 3).count).toBe(1);
    // An instance that is not terminated keeps an image in use.
    await sim.dispatch('EC2', 'RunInstances', { ImageId: ids[1], InstanceType: 't3.small', MinCount: 1, MaxCount: 1 });
    expect(imagesBeyondRetention(sim, [FLEET], 3).count).toBe(0);
  });
});
