/** OWNER in `drover get fleets -o wide` (issue 13): shown when an owner is known, `-` for a fleet whose shard nobody holds now. */
import { FIXTURE_NOW, fixtureList } from '../../test/support/status-fixtures';
import { renderFleetsTable } from './fleets-table';

const plain = { now: FIXTURE_NOW, color: false };

it('adds an OWNER column to -o wide when the fleets carry an owner', () => {
  const list = fixtureList();
  list.items = list.items.map((f, i) => ({ ...f, owner: i === 0 ? '-' : `ip-10-0-0-${i}-4711-a1b2c3` }));
  const lines = renderFleetsTable(list, { ...plain, wide: true }).trimEnd().split('\n');
  const header = lines[0].split(/\s{2,}/);
  const at = header.indexOf('OWNER');
  expect(at).toBeGreaterThan(header.indexOf('LAST-EVENT'));
  const pos = lines[0].indexOf('OWNER');
  const ownerOf = new Map(list.items.map((f) => [f.name, f.owner!]));
  const rows = lines.slice(1).map((l) => ({ name: l.split(' ')[0], at: l.slice(pos) }));
  expect(rows).toHaveLength(list.items.length);
  for (const r of rows) expect(r.at.startsWith(`${ownerOf.get(r.name)} `)).toBe(true);
  expect(renderFleetsTable(list, plain)).not.toContain('OWNER');
});

it('keeps today’s columns for a local read with no owners', () => {
  expect(renderFleetsTable(fixtureList(), { ...plain, wide: true })).not.toContain('OWNER');
});
