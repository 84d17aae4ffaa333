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

  function memoryWithTarget(ami: string): FleetMemoryStore {
    const memory = new FleetMemoryStore(mkdtempSync(path.join(tmpdir(), 'drover-gc-')));
    memory.update(fleet.name, (m) => ({ ...m, target: { ami, commit: 'c0ffee' } }));
    return memory;
  }

  /** The world with a second owned group of the next generation, active or being deleted. */
  function withSecondGroup(lifecycle: 'active' | 'deleting'): ObservedFleet {
    const g = world.groups[0];
    return { ...world, groups: [...world.groups, { ...g, name: `${g.name}-2`, generation: g.generation + 1, tags: { ...g.tags }, lifecycle }] };
  }

  it('is remembered as deployed once it is the only live group serving it', () => {
    const memory = memoryWithTarget(serving);
    adoptServingTarget(memory, fleet, world);
    expect(memory.load(fleet.name).target).toBeUndefined();
    expect(memory.load(fleet.name).deployed).toMatchObject({ ami: serving, commit: 'c0ffee' });
  });

  it('a group AWS is deleting does not count as live', () => {
    const memory = memoryWithTarget(serving);
    adoptServingTarget(memory, fleet, withSecondGroup('deleting'));
    expect(memory.load(fleet.name).deployed?.ami).toBe(serving);
  });

  it('is left alone while two groups are live (a swap is still in flight) or another AMI serves', () => {
    const during = memoryWithTarget(serving);
    adoptServingTarget(during, fleet, withSecondGroup('active'));
    expect(during.load(fleet.name)).toMatchObject({ target: { ami: serving } });
    const other = memoryWithTarget('ami-0ffffffffffffffff');
    adoptServingTarget(other, fleet, world);
    expect(other.load(fleet.name)).toMatchObject({ target: { ami: 'ami-0ffffffffffffffff' } });
    expect(other.load(fleet.name).deployed).toBeUndefined();
  });
});
