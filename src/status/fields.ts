/** `Label:  value` blocks like kubectl describe: values aligned within a block, absent values skipped. */

export type Field = [label: string, value: string | undefined];

/** Lines of `label:` padded so values line up; a value of '' prints the bare label (a section head). */
export function renderFields(fields: Field[], indent = 0): string {
  const shown = fields.filter((f): f is [string, string] => f[1] !== undefined);
  const width = Math.max(0, ...shown.map(([l, v]) => (v === '' ? 0 : l.length + 1)));
  const pad = ' '.repeat(indent);
  return shown.map(([label, value]) => (value === '' ? `${pad}${label}:\n` : `${pad}${`${label}:`.padEnd(width)}  ${value}\n`)).join('');
}

/** A section head with nothing in it: `Events:  <none>`. */
export function emptySection(label: string, indent = 0): string {
  return `${' '.repeat(indent)}${label}:  <none>\n`;
}
