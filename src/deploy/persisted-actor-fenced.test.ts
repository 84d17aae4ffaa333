/**
 * A lease lost in the middle of a deployment (issue 13): a snapshot save refused with
 * FencedOut (a newer owner's epoch) or a guard that says LeaseLost stops the actor where it
 * is, as `stopped` with the reason, not as a failed deployment; no step runs after it.
 */
import { assign, fromPromise, setup } from 'xstate';
import { FencedOut, LeaseLost } from '../state/errors';
import { VirtualClock } from '../util/clock';
import { flush } from '../util/virtual-drive';
import { isFenceError, startPersistedActor } from './persisted-actor';
import { MemorySnapshotStore } from './snapshot-store';
import type { DeploymentRecord } from './snapshot-store';

let steps = 0;
const timer = setup({
  types: {} as { context: { ticks: number } },
  actors: { tick: fromPromise(async () => ++steps) },
  delays: { interval: 5_000 },
}).createMachine({
  id: 'timer',
  context: { ticks: 0 },
  initial: 'run',
  states: {
    run: { invoke: { src: 'tick', onDone: { target: 'wait', actions: assign({ ticks: ({ context }) => context.ticks + 1 }) } } },
    wait: { always: { guard: ({ context }) => context.ticks >= 5, target: 'done' }, after: { interval: 'run' } },
    done: { type: 'final' },
  },
});
const meta = { fleet: 'shop', kind: 'bake' as const, id: 'bake-1', startedAt: '2026-01-01T00:00:00.000Z' };

/** Saves succeed until `fenced` is set, then fail as a stale owner's write does. */
class FencedStore extends MemorySnapshotStore {
  fenced = false;
  override async save(key: string, record: DeploymentRecord): Promise<void> {
    if (this.fenced) throw new FencedOut(key, 3, 4);
    return super.save(key, record);
  }
}

it('stops as fenced, not failed, when a save is refused with FencedOut', async () => {
  steps = 0;
  const clock = new VirtualClock();
  const store = new FencedStore();
  const handle = startPersistedActor(timer, { store, key: 'shop', meta, clock });
  await flush();
  expect(steps).toBe(1);
  store.fenced = true;
  clock.advance(5_000);
  const result = await handle.done;
  expect(result.status).toBe('stopped');
  expect(result.fenced).toContain('fenced out, epoch 3 is older than the store');
  const before = steps;
  clock.advance(60_000);
  await flush();
  expect(steps).toBe(before);
  expect((await store.load('shop')) as DeploymentRecord).toMatchObject({ id: 'bake-1' });
});

it('recognises the fence errors through their causes', () => {
  expect(isFenceError(new LeaseLost('shop', 3))).toBe(true);
  expect(isFenceError(new Error('wrapped', { cause: new FencedOut('shop', 1, 2) }))).toBe(true);
  expect(isFenceError(new Error('throttled'))).toBe(false);
});
