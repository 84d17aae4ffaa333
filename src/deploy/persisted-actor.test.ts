import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { assign, fromPromise, setup } from 'xstate';
import { VirtualClock } from '../util/clock';
import type { BakeInput } from './machines/bake.machine';
import { createBakeMachine } from './machines';
import { describePhase } from './machines/phase';
import { runPersistedActor, startPersistedActor } from './persisted-actor';
import { FileSnapshotStore, MemorySnapshotStore, isCorrupt } from './snapshot-store';
import { FakeBakeWorld } from '../../test/support/deploy/fake-bake-world';
import { driveUntil, flush } from '../../test/support/deploy/drive';

const timer = setup({
  types: {} as { context: { ticks: number } },
  actors: { tick: fromPromise(async () => 1) },
  delays: { interval: 5_000 },
}).createMachine({
  id: 'timer',
  context: { ticks: 0 },
  initial: 'run',
  states: {
    run: { invoke: { src: 'tick', onDone: { target: 'wait', actions: assign({ ticks: ({ context }) => context.ticks + 1 }) } } },
    wait: {
      always: { guard: ({ context }) => context.ticks >= 3, target: 'done' },
      after: { interval: 'run' },
      on: { POLL: 'run' },
    },
    done: { type: 'final' },
  },
});

const meta = { fleet: 'shop', kind: 'bake' as const, id: 'bake-1', startedAt: '2026-01-01T00:00:00.000Z' };

describe('runPersistedActor', () => {
  it('runs `after` delays on the injected virtual clock', async () => {
    const clock = new VirtualClock();
    const store = new MemorySnapshotStore();
    const handle = startPersistedActor(timer, { store, key: 'shop', meta, clock });
    await flush();
    expect(handle.actor.getSnapshot().context.ticks).toBe(1);
    clock.advance(4_999);
    await flush();
    expect(handle.actor.getSnapshot().context.ticks).toBe(1);
    clock.advance(1);
    await flush();
    expect(handle.actor.getSnapshot().context.ticks).toBe(2);
    clock.advance(5_000);
    expect(await handle.done).toMatchObject({ status: 'done' });
    expect(store.history.map((r) => describePhase(r.snapshot).path)).toEqual(['run', 'wait', 'run', 'wait', 'run', 'done']);
  });

  it('re-polls at once when restored into a wait, since xstate does not persist pending delays', async () => {
    const clock = new VirtualClock();
    const store = new MemorySnapshotStore();
    const first = startPersistedActor(timer, { store, key: 'shop', meta, clock });
    await flush();
    await first.stop();
    const saved = await store.load('shop');
    if (!saved || isCorrupt(saved)) throw new Error('no record');
    expect(describePhase(saved.snapshot).path).toBe('wait');
    const restored = startPersistedActor(timer, { store, key: 'shop', meta, clock, snapshot: saved.snapshot });
    await flush();
    expect(restored.actor.getSnapshot().context.ticks).toBe(2);
    await restored.stop();
  });

  it('persists every transition to files and resumes a bake from the file after a crash', async () => {
    const stateDir = mkdtempSync(path.join(tmpdir(), 'drover-runner-'));
    const clock = new VirtualClock();
    const world = new FakeBakeWorld(clock, { buildSeconds: 600, imageSeconds: 300 });
    const machine = createBakeMachine(world);
    const input: BakeInput = {
      fleet: 'shop', commit: 'abc123', repository: 'r', branch: 'main', baseAmi: 'ami-1',
      builderInstanceType: 'c5.large', timeoutSeconds: 1800, deploymentId: 'd1',
    };
    const saves: string[] = [];
    const first = startPersistedActor(machine, {
      store: new FileSnapshotStore(stateDir), key: 'shop', meta, clock, input,
      onTransition: (s) => saves.push(describePhase(s).phase),
    });
    await driveUntil(clock, first.done, { until: () => saves.includes('readResult') });
    await first.stop();
    const store = new FileSnapshotStore(stateDir);
    const saved = await store.load('shop');
    if (!saved || isCorrupt(saved)) throw new Error('no record');
    const done = runPersistedActor(machine, { store, key: 'shop', meta, clock, snapshot: saved.snapshot });
    const result = await driveUntil(clock, done);
    expect(result).toMatchObject({ status: 'done' });
    expect(result.output).toEqual({ status: 'succeeded', imageId: world.images[0].id, reused: false });
    expect(world.builders).toHaveLength(1);
    const final = await store.load('shop');
    expect(describePhase(isCorrupt(final) ? undefined : final?.snapshot)).toMatchObject({ phase: 'succeeded', final: true, result: 'succeeded' });
  });

  it('stops with an error when a snapshot cannot be saved', async () => {
    const clock = new VirtualClock();
    const store = new MemorySnapshotStore();
    store.save = async () => {
      throw new Error('ENOSPC: no space left on device');
    };
    const result = await runPersistedActor(timer, { store, key: 'shop', meta, clock });
    expect(result).toMatchObject({ status: 'error', error: 'saving deployment snapshot for fleet shop: ENOSPC: no space left on device' });
  });
});
