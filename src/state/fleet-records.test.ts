import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FleetRecords } from './fleet-records';
import { LocalStateStore } from './local/local-store';
import { FencedOut, LeaseLost } from './errors';
import type { ShardOwnership } from './leases';
import { shardOf } from './shards';
import { VirtualClock } from '../util/clock';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-records-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Ownership the test moves by hand: the shards held and their epoch. */
function ownership(held: Map<number, number>): ShardOwnership {
  return {
    shards: 64,
    holds: (s) => held.has(s),
    owned: () => [...held.keys()],
    fenceFor: (fleet) => {
      const epoch = held.get(shardOf(fleet));
      if (epoch === undefined) throw new LeaseLost(fleet, shardOf(fleet));
      return { epoch };
    },
  };
}

describe('FleetRecords', () => {
  it('writes changes fenced with the held epoch, skips writes that change nothing, and redoes a change over a fact another replica recorded', async () => {
    const store = new LocalStateStore(dir);
    const clock = new VirtualClock();
    const records = new FleetRecords(store, ownership(new Map([[shardOf('web'), 3]])), clock);
    await records.load('web');
    const r1 = await records.update('web', () => ({ status: { phase: 'Ready' } }));
    expect(r1).toMatchObject({ version: 1, epoch: 3 });
    await records.update('web', () => ({ status: { phase: 'Ready' } }));
    await records.update('web', () => undefined);
    expect(records.writes).toBe(1);
    // Another replica records a bake request in the meantime.
    await store.write(await store.read('web'), { bakes: { pending: 'abc' } }, 'intake', clock.nowMs());
    const r3 = await records.update('web', () => ({ status: { phase: 'Progressing' } }));
    expect(r3.sections).toEqual({ status: { phase: 'Progressing' }, bakes: { pending: 'abc' } });
    expect(records.get('web')).toEqual(r3);
  });

  it('refuses to write without the shard (LeaseLost) and after a newer owner fenced the fleet (FencedOut)', async () => {
    const store = new LocalStateStore(dir);
    const clock = new VirtualClock();
    const held = new Map([[shardOf('web'), 3]]);
    const records = new FleetRecords(store, ownership(held), clock);
    await records.update('web', () => ({ deployment: { step: 1 } }));
    await store.fence('web', 4);
    await expect(records.update('web', () => ({ deployment: { step: 2 } }))).rejects.toBeInstanceOf(FencedOut);
    held.clear();
    await expect(records.update('web', () => ({ deployment: { step: 2 } }))).rejects.toBeInstanceOf(LeaseLost);
    expect((await store.read('web')).sections.deployment).toEqual({ step: 1 });
  });
});
