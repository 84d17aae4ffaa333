import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { AnyStateMachine } from 'xstate';
import { bakeMachine } from './bake.machine';
import { canaryMachine } from './canary.machine';
import { describePhase, deploymentDiagram, statePath } from './phase';
import { rollingMachine } from './rolling.machine';
import { swapMachine } from './swap.machine';

type Node = AnyStateMachine['root'];

function allNodes(node: Node): Node[] {
  return [node, ...Object.values(node.states).flatMap((c) => allNodes(c as Node))];
}

describe('describePhase', () => {
  it('names the step, not its run/wait substate, and reports waiting and errors', () => {
    const d = describePhase({
      status: 'active',
      value: { rollout: { waitGreenHealthy: 'wait' } },
      context: { message: '2/4 green instances InService', lastError: 'Throttling', undoPossible: true },
    });
    expect(d).toEqual({
      phase: 'waitGreenHealthy', path: 'rollout.waitGreenHealthy.wait', final: false, result: undefined, reason: undefined,
      message: '2/4 green instances InService', waiting: true, lastError: 'Throttling', undoPossible: true,
    });
  });

  it('reports how a finished deployment ended', () => {
    const d = describePhase({
      status: 'done',
      value: 'rolledBack',
      output: { status: 'rolledBack', reason: 'AlarmFired', message: 'alarm shop-5xx fired during soak' },
      context: { message: 'rolled back: alarm shop-5xx fired during soak', rollback: { reason: 'AlarmFired' } },
    });
    expect(d).toMatchObject({ phase: 'rolledBack', final: true, result: 'rolledBack', reason: 'AlarmFired', waiting: false });
  });

  it('reports an actor error as final', () => {
    expect(describePhase({ status: 'error', value: { bake: { readResult: 'run' } }, error: { message: 'boom' } })).toMatchObject({
      phase: 'readResult', final: true, result: 'error', message: 'deployment stopped on an error: boom',
    });
  });

  it('flattens state values', () => {
    expect(statePath({ a: { b: 'c' } })).toEqual(['a', 'b', 'c']);
    expect(statePath('done')).toEqual(['done']);
    expect(statePath(undefined)).toEqual([]);
  });
});

describe('deploymentDiagram', () => {
  it.each([
    ['bake', bakeMachine],
    ['swap', swapMachine],
    ['rolling', rollingMachine],
  ] as Array<[string, AnyStateMachine]>)('%s: full detail draws every state node; phases fold run/wait', (_name, machine) => {
    const full = deploymentDiagram(machine, 'full');
    const phases = deploymentDiagram(machine);
    expect(full.startsWith('stateDiagram-v2\n')).toBe(true);
    const nodes = allNodes(machine.root).filter((n) => n.path.length > 0);
    for (const n of nodes) {
      expect(full).toContain(`state "${n.key}" as ${n.path.join('_')}`);
      if (n.key !== 'run' && n.key !== 'wait') expect(phases).toContain(`state "${n.key}" as ${n.path.join('_')}`);
    }
    expect(phases).not.toMatch(/state "(run|wait)"/);
    for (const n of nodes.filter((x) => x.type === 'final')) expect(phases).toContain(`${n.path.join('_')} --> [*]`);
  });

  it('draws the swap transitions that matter', () => {
    const text = deploymentDiagram(swapMachine);
    expect(text).toContain('rollout --> rollback : UNDO');
    expect(text).toContain('rollout_soak --> rollback : ALARM');
    expect(text).toContain('rollout_waitGreenHealthy --> rollout_deregisterBlue : done');
    expect(text).toContain('rollback_deleteGreen --> rolledBack : done');
    expect(deploymentDiagram(swapMachine, 'full')).toContain('rollout_soak_wait --> rollout_soak_run : after pollInterval');
  });
});

describe('deploy machines', () => {
  it('import only xstate, the model, the step kit and their own sibling files', () => {
    const files = readdirSync(__dirname).filter((f) => f.endsWith('.machine.ts'));
    expect(files.sort()).toEqual(['bake.machine.ts', 'canary.machine.ts', 'rolling.machine.ts', 'swap.machine.ts']);
    const machines = files.map((f) => f.replace('.machine.ts', ''));
    // A machine's sibling files (swap.types.ts, swap.rollout.ts, ...) and the step kit obey the same rule.
    const family = readdirSync(__dirname).filter((f) => f === 'step-kit.ts' || (machines.some((m) => f.startsWith(`${m}.`)) && !f.endsWith('.test.ts')));
    expect(family).toEqual(expect.arrayContaining([...files, 'step-kit.ts']));
    for (const f of family) {
      const own = f.split('.')[0];
      const source = readFileSync(path.join(__dirname, f), 'utf8');
      const imports = [...source.matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
      for (const spec of imports) {
        // The canary is a stepped swap: it reuses the swap's states, guards and types (canary.reuse.ts).
        const reuse = own === 'canary' && spec.startsWith('./swap.');
        const ok = spec === 'xstate' || /^\.\.\/\.\.\/model(\/|$)/.test(spec) || spec === './step-kit' || spec.startsWith(`./${own}.`) || reuse;
        expect({ f, spec, ok }).toEqual({ f, spec, ok: true });
      }
    }
  });

  it('re-poll on POLL from every waiting state, so a restored snapshot never stalls', () => {
    for (const machine of [bakeMachine, swapMachine, rollingMachine, canaryMachine] as AnyStateMachine[]) {
      for (const n of allNodes(machine.root)) {
        if (n.after.length === 0) continue;
        expect({ id: n.id, poll: n.transitions.has('POLL') }).toEqual({ id: n.id, poll: true });
      }
    }
  });
});
