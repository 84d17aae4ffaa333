/**
 * kubectl-style label selectors for `-l`: `key=value` (also `key==value`), `key!=value`, `key`
 * (the label exists), `!key` (it does not); terms joined by commas must all hold.
 */

export type Requirement =
  | { key: string; op: 'eq' | 'ne'; value: string }
  | { key: string; op: 'exists' | 'absent' };

/** A selector that cannot be parsed; `term` is the bad term as typed. */
export class SelectorError extends Error {
  constructor(
    readonly term: string,
    reason: string,
  ) {
    super(`invalid label selector term "${term}": ${reason}`);
  }
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/;
const VALUE = /^[A-Za-z0-9._/-]{0,256}$/;

function checkKey(key: string, term: string): string {
  if (!KEY.test(key)) throw new SelectorError(term, `"${key}" is not a label key (letters, digits, '.', '_', '/', '-')`);
  return key;
}

function parseTerm(raw: string): Requirement {
  const term = raw.trim();
  if (term === '') throw new SelectorError(raw, 'empty term (two commas in a row, or a trailing comma)');
  const m = /^([^=!]*)(==|=|!=)(.*)$/.exec(term);
  if (m) {
    const [, key, op, value] = m;
    if (key.trim() === '') throw new SelectorError(term, 'no label key before the operator');
    if (!VALUE.test(value.trim())) throw new SelectorError(term, `"${value}" is not a label value`);
    return { key: checkKey(key.trim(), term), op: op === '!=' ? 'ne' : 'eq', value: value.trim() };
  }
  if (term.startsWith('!')) return { key: checkKey(term.slice(1).trim(), term), op: 'absent' };
  return { key: checkKey(term, term), op: 'exists' };
}

/** The requirements of `text`; throws SelectorError naming the first bad term. */
export function parseSelector(text: string): Requirement[] {
  if (text.trim() === '') throw new SelectorError(text, 'the selector is empty');
  return text.split(',').map(parseTerm);
}

/** Whether `labels` satisfy every requirement. */
export function matchesSelector(labels: Readonly<Record<string, string>> | undefined, reqs: readonly Requirement[]): boolean {
  const has = (k: string) => labels !== undefined && Object.prototype.hasOwnProperty.call(labels, k);
  return reqs.every((r) => {
    switch (r.op) {
      case 'eq':
        return has(r.key) && labels![r.key] === r.value;
      case 'ne':
        return !has(r.key) || labels![r.key] !== r.value;
      case 'exists':
        return has(r.key);
      case 'absent':
        return !has(r.key);
    }
  });
}

/** `team=shop,tier=public`, sorted by key: the LABELS column and `--show-labels`. */
export function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(',') : '<none>';
}
