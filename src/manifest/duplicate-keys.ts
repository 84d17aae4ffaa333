/**
 * Find repeated mapping keys, and keys that are collections or aliases (which JSON objects
 * cannot hold). yaml's own `uniqueKeys` check is quadratic in the size of a
 * mapping, so drover parses without it and checks here in linear time with an explicit stack
 * (no recursion, so deep nesting cannot overflow).
 */
import { Document, LineCounter, Node, isMap, isPair, isScalar, isSeq } from 'yaml';
import { ManifestProblem } from '../util/errors';
import { positionOf } from './yaml-locate';

export function duplicateKeyProblems(file: string, doc: Document, lc: LineCounter, limit: number): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length && problems.length < limit) {
    const node = stack.pop();
    if (isSeq(node)) for (const item of node.items) stack.push(item); // no spread: a list may hold 100k items
    if (!isMap(node)) continue;
    const seen = new Map<string, number>();
    for (const pair of node.items) {
      if (problems.length >= limit) break;
      if (!isPair(pair)) continue;
      stack.push(pair.key, pair.value);
      const at = positionOf(lc, (pair.key as Node | null)?.range?.[0] ?? node.range?.[0] ?? 0);
      if (!isScalar(pair.key)) {
        problems.push({ file, ...at, message: 'parsing YAML: keys must be plain names, not lists, mappings or aliases' });
        continue;
      }
      const name = String(pair.key.value);
      const first = seen.get(name);
      if (first === undefined) seen.set(name, at.line);
      else problems.push({ file, ...at, message: `parsing YAML: duplicate key "${name}" (first at line ${first})` });
    }
  }
  return problems;
}
