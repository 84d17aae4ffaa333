/**
 * The line a bake builder prints to its console when the build ends:
 * `DROVER-BAKE-RESULT: {"ok":true,"commit":"<sha>","message":"…"}`.
 */

/**
 * The result marker. The simulated account prints the same literal (sim's `BAKE_MARKER`); cloud
 * never imports sim, so the text is copied here and a test asserts both are equal.
 */
export const BAKE_RESULT_MARKER = 'DROVER-BAKE-RESULT:';

export type ParsedBakeResult =
  | { marker: 'success' | 'failure'; message: string; commit?: string }
  | { marker: 'none'; message: string };

/** The LAST marker line of a console text decides (a builder may print several while retrying). */
export function parseBakeResult(console: string, commit?: string): ParsedBakeResult {
  const lines = console.split(/\r?\n/).filter((l) => l.includes(BAKE_RESULT_MARKER));
  const last = lines[lines.length - 1];
  if (last === undefined) return { marker: 'none', message: 'no result marker on the console yet' };
  const json = last.slice(last.indexOf(BAKE_RESULT_MARKER) + BAKE_RESULT_MARKER.length).trim();
  let parsed: { ok?: unknown; commit?: unknown; message?: unknown };
  try {
    parsed = JSON.parse(json) as typeof parsed;
  } catch {
    return { marker: 'failure', message: `the builder printed an unreadable result: ${json.slice(0, 200)}` };
  }
  const message = typeof parsed.message === 'string' ? parsed.message : '';
  const printed = typeof parsed.commit === 'string' ? parsed.commit : undefined;
  if (commit && printed && printed !== commit) {
    return { marker: 'failure', message: `the builder reports commit ${printed}, expected ${commit}` };
  }
  if (parsed.ok === true) return { marker: 'success', message: message || 'build succeeded', ...(printed ? { commit: printed } : {}) };
  return { marker: 'failure', message: message || 'build failed', ...(printed ? { commit: printed } : {}) };
}
