/**
 * Find the YAML node behind a JSON path (as ajv and the semantic checks name it), so every
 * problem can point at a line and column.
 */
import { Document, LineCounter, Node, isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';

export type Path = Array<string | number>;

/** Where a problem points: the value at `path`, or the key naming it (unknown fields, missing children). */
export type Target = 'value' | 'key';

interface Found {
  key?: Node;
  value?: Node;
}

function resolve(doc: Document, node: unknown): Node | undefined {
  if (isAlias(node)) {
    try {
      return node.resolve(doc) as Node | undefined;
    } catch {
      return node;
    }
  }
  return (node ?? undefined) as Node | undefined;
}

function child(doc: Document, node: Node | undefined, seg: string | number): Found | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = pair.key as unknown;
      const name = isScalar(key) ? String(key.value) : String(key);
      if (name === String(seg)) return { key: key as Node, value: resolve(doc, pair.value) };
    }
    return undefined;
  }
  if (isSeq(node) && /^\d+$/.test(String(seg))) {
    const item = node.items[Number(seg)];
    return item === undefined ? undefined : { value: resolve(doc, item) };
  }
  return undefined;
}

/** The deepest node along `path`; missing segments fall back to the closest existing ancestor. */
export function findNode(doc: Document, path: Path, target: Target): Node | undefined {
  let found: Found = { value: resolve(doc, doc.contents) };
  for (const seg of path) {
    const next = child(doc, found.value, seg);
    if (!next) return found.key ?? found.value;
    found = next;
  }
  if (target === 'key') return found.key ?? found.value;
  return found.value ?? found.key;
}

/** 1-based line and column of an offset. */
export function positionOf(lineCounter: LineCounter, offset: number): { line: number; col: number } {
  const pos = lineCounter.linePos(Math.max(0, offset));
  return { line: Math.max(1, pos.line), col: Math.max(1, pos.col) };
}

/** Start offset of a node, or of the document when the node has no range. */
export function startOf(doc: Document, node: Node | undefined): number {
  const range = node?.range ?? doc.contents?.range ?? doc.range;
  return range?.[0] ?? 0;
}

/** Convert a JSON pointer (`/spec/network/subnets/0`) into a path. */
export function pointerToPath(pointer: string): Path {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Human form of a path: `spec.network.subnets[1]`. */
export function formatPath(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number' || /^\d+$/.test(seg)) out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}
