/**
 * The step kit builds the same state nodes the machines once spelled out by hand, so a daemon
 * upgraded mid-deploy restores what the previous shape saved. The fixture holds one persisted
 * snapshot per distinct state, captured from the hand-written machines (commit b5ba8cc) on a
 * successful run and on a failing run of each.
 */
import { readFileSync } from 'fs';
import path from 'path';
import { createActor, type AnyStateMachine } from 'xstate';
import { bakeMachine } from './bake.machine';
import { rollingMachine } from './rolling.machine';
import { retryableError, retryDelayMs, stepState } from './step-kit';
import { swapMachine } from './swap.machine';

const FIXTURE = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'deploy-snapshots-before-step-kit.json');
const saved = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<'swap' | 'bake' | 'rolling', any[]>;
const machines: Record<keyof typeof saved, AnyStateMachine> = { swap: swapMachine, bake: bakeMachine, rolling: rollingMachine };

describe('snapshots saved before the step kit', () => {
  for (const kind of Object.keys(machines) as (keyof typeof saved)[]) {
    it(`restore into the ${kind} machine unchanged, in every state they were saved in`, () => {
      expect(saved[kind].length).toBeGreaterThan(8);
      for (const snapshot of saved[kind]) {
        const actor = createActor(machines[kind], { snapshot });
        const restored = actor.getSnapshot();
        expect({ value: restored.value, status: restored.status }).toEqual({ value: snapshot.value, status: snapshot.status });
        expect(restored.context).toEqual(snapshot.context);
        expect(JSON.parse(JSON.stringify(actor.getPersistedSnapshot()))).toEqual(snapshot);
      }
    });
  }
});

describe('step kit', () => {
  it('builds a run/wait step that re-runs after its delay or on POLL', () => {
    const invoke = { src: 'x', onDone: { target: 'wait' }, onError: { target: 'wait' } };
    expect(stepState('pollInterval', invoke, { on: { UNDO: {} } })).toEqual({
      initial: 'run',
      on: { UNDO: {} },
      states: { run: { invoke }, wait: { after: { pollInterval: 'run' }, on: { POLL: 'run' } } },
    });
  });

  it('retries only errors marked retryable, five in a row at most, backing off up to five minutes', () => {
    const retryable = { error: Object.assign(new Error('throttled'), { retryable: true }) };
    expect(retryableError({ errorCount: 4, polls: 0 }, retryable)).toBe(true);
    expect(retryableError({ errorCount: 5, polls: 0 }, retryable)).toBe(false);
    expect(retryableError({ errorCount: 0, polls: 0 }, { error: new Error('denied') })).toBe(false);
    expect(retryableError({ errorCount: 0, polls: 0 }, { error: 'retryable' })).toBe(false);
    expect([0, 3, 20].map((errorCount) => retryDelayMs({ errorCount, polls: 0 }))).toEqual([1000, 8000, 300_000]);
  });
});
