/**
 * Export a deploy machine as Mermaid `stateDiagram-v2` text, walked from the machine's own
 * state nodes so the diagram cannot drift from the code. `phases` (default) folds each
 * step's `run`/`wait` substates into the step; `full` draws every state node.
 */
import type { AnyStateMachine } from 'xstate';

/** Substates every step has: `run` (the invoked actor) and `wait` (between polls or retries). */
export const STEP_SUBSTATES = ['run', 'wait'] as const;

type Node = AnyStateMachine['root'];
export type DiagramDetail = 'phases' | 'full';

function isStep(node: Node): boolean {
  const keys = Object.keys(node.states);
  return keys.length === STEP_SUBSTATES.length && STEP_SUBSTATES.every((k) => keys.includes(k));
}

function idOf(node: Node): string {
  return node.path.length ? node.path.join('_') : 'root';
}

function shown(node: Node, detail: DiagramDetail): boolean {
  return detail === 'full' || !(node.parent && isStep(node.parent));
}

/** The nearest ancestor-or-self drawn at this detail. */
function drawnAs(node: Node, detail: DiagramDetail): Node {
  let n = node;
  while (!shown(n, detail) && n.parent) n = n.parent;
  return n;
}

function eventLabel(eventType: string): string {
  if (eventType.startsWith('xstate.done.actor.')) return 'done';
  if (eventType.startsWith('xstate.error.actor.')) return 'error';
  const after = /^xstate\.after\.([^.]+)\./.exec(eventType);
  if (after) return `after ${after[1]}`;
  return eventType;
}

function edgesOf(node: Node, detail: DiagramDetail, out: Set<string>): void {
  const from = drawnAs(node, detail);
  for (const [eventType, transitions] of node.transitions) {
    for (const t of transitions) {
      for (const target of t.target ?? []) {
        const to = drawnAs(target as Node, detail);
        if (to === from) continue;
        out.add(`${idOf(from)} --> ${idOf(to)} : ${eventLabel(eventType)}`);
      }
    }
  }
  for (const child of Object.values(node.states)) edgesOf(child as Node, detail, out);
}

function block(node: Node, detail: DiagramDetail, indent: string, lines: string[]): void {
  const children = Object.values(node.states) as Node[];
  const folded = detail === 'phases' && isStep(node);
  const id = idOf(node);
  if (node.path.length) lines.push(`${indent}state "${node.key}" as ${id}`);
  if (!children.length || folded) {
    if (node.type === 'final') lines.push(`${indent}${id} --> [*]`);
    return;
  }
  const inner = node.path.length ? `${indent}  ` : indent;
  if (node.path.length) lines.push(`${indent}state ${id} {`);
  const initial = node.initial?.target?.[0] as Node | undefined;
  if (initial) lines.push(`${inner}[*] --> ${idOf(initial)}`);
  for (const child of children) block(child, detail, inner, lines);
  if (node.path.length) lines.push(`${indent}}`);
}

export function deploymentDiagram(machine: AnyStateMachine, detail: DiagramDetail = 'phases'): string {
  const lines = ['stateDiagram-v2'];
  block(machine.root, detail, '  ', lines);
  const edges = new Set<string>();
  edgesOf(machine.root, detail, edges);
  for (const e of edges) lines.push(`  ${e}`);
  return lines.join('\n') + '\n';
}
