/** "Did you mean" suggestions for misspelt field names and enum values. */

/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between two strings. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The known name closest to `word`, if it is close enough to be a likely typo. */
export function nearest(word: string, known: readonly string[]): string | undefined {
  if (word.length > 64) return undefined;
  const lower = word.toLowerCase();
  let best: { name: string; dist: number } | undefined;
  for (const name of known) {
    const dist = lower === name.toLowerCase() ? 0 : editDistance(lower, name.toLowerCase());
    if (!best || dist < best.dist) best = { name, dist };
  }
  if (!best) return undefined;
  const limit = Math.max(1, Math.min(3, Math.floor(best.name.length / 3)));
  return best.dist <= limit ? best.name : undefined;
}
