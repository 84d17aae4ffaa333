/**
 * A depth guard over yaml's concrete syntax tree, walked with an explicit stack (no recursion).
 * yaml composes collections recursively: a small file of nothing but `[` (50 KB) exhausts the
 * stack inside it and can take the process down, so nesting is measured before composing.
 */
import type { CST } from 'yaml';

/** A Fleet manifest nests about six levels; anything past this is not a manifest. */
export const MAX_NESTING_DEPTH = 64;

function children(token: CST.Token): Array<CST.Token | null | undefined> {
  switch (token.type) {
    case 'document':
      return [token.value];
    case 'block-map':
    case 'block-seq':
    case 'flow-collection':
      return token.items.flatMap((item) => [item.key, item.value]);
    default:
      return [];
  }
}

const isCollection = (t: CST.Token) => t.type === 'block-map' || t.type === 'block-seq' || t.type === 'flow-collection';

/** Offset of the first collection nested deeper than `limit`, or undefined. */
export function tooDeepAt(tokens: CST.Token[], limit = MAX_NESTING_DEPTH): number | undefined {
  const stack: Array<[CST.Token, number]> = tokens.map((t) => [t, 0]);
  while (stack.length) {
    const [token, depth] = stack.pop()!;
    const level = isCollection(token) ? depth + 1 : depth;
    if (level > limit) return token.offset;
    for (const child of children(token)) if (child) stack.push([child, level]);
  }
  return undefined;
}
