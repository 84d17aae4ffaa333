import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ObservedFleet } from '../../model/observed';
import { activeAmi, activeGroup } from '../../planner/active-group';
import { FleetMemoryStore } from '../fleet/fleet-memory';
import { convergedWorld, desiredFleet } from '../../../test/support/planner/fixtures';
import { adoptServingTarget } from './serving-target';

describe('gc: a serving target whose swap record was lost', () => {
  const fleet = desiredFleet();
  const world = convergedWorld(fleet);
  const serving = activeAmi(world, activeGroup(world, fleet.loadBalancer.name))!;

  async function memoryWithTarget(ami: string): Promise<FleetMemoryStore> {
    const memory = new FleetMemoryStore(mkdtempSync(path.join(tmpdir(), 'drover-gc-')));
    await memory.update(fleet.name, (m) => ({ ...m, target: { ami, commit: 'c0ffee' } }));
    return memory;
  }

  /** The world with a second owned group of the next generation, active or being deleted. */
  function withSecondGroup(lifecycle: 'active' | 'deleting'): ObservedFleet {
    const g = world.groups[0];
    return { ...world, groups: [...world.groups, { ...g, name: `${g.name}-2`, generation: g.generation + 1, tags: { ...g.tags }, lifecycle }] };
  }

  it('is remembered as deployed once it is the only live group serving it', async () => {
    const memory = await memoryWithTarget(serving);
    await adoptServingTarget(memory, fleet, world);
    expect((await memory.load(fleet.name)).target).toBeUndefined();
    expect((await memory.load(fleet.name)).deployed).toMatchObject({ ami: serving, commit: 'c0ffee' });
  });

  it('a group AWS is deleting does not count as live', async () => {
    const memory = await memoryWithTarget(serving);
    await adoptServingTarget(memory, fleet, withSecondGroup('deleting'));
    expect((await memory.load(fleet.name)).deployed?.ami).toBe(serving);
  });

  it('is left alone while two groups are live (a swap is still in flight) or another AMI serves', async () => {
    const during = await memoryWithTarget(serving);
    await adoptServingTarget(during, fleet, withSecondGroup('active'));
    expect(await during.load(fleet.name)).toMatchObject({ target: { ami: serving } });
    const other = await memoryWithTarget('ami-0ffffffffffffffff');
    await adoptServingTarget(other, fleet, world);
    expect(await other.load(fleet.name)).toMatchObject({ target: { ami: 'ami-0ffffffffffffffff' } });
    expect((await other.load(fleet.name)).deployed).toBeUndefined();
  });
});
