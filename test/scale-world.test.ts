import * as path from 'node:path';
import { assertSteady, buildScaleWorld } from '../src/bench/scale-world';

jest.setTimeout(120_000);

describe('the scale bench world', () => {
  it('copies one converged fleet into N fleets drover finds steady', async () => {
    const { env, fleets } = await buildScaleWorld(path.join(__dirname, '..'), 5);
    expect(fleets.map((f) => f.name)).toEqual(['fleet-00000', 'fleet-00001', 'fleet-00002', 'fleet-00003', 'fleet-00004']);
    expect(Object.keys(env.sim.snapshot().groups)).toHaveLength(5);
    expect(env.sim.inServiceCount('fleet-00004')).toBe(2);
    await expect(assertSteady(env, fleets)).resolves.toBeUndefined();
  });
});
