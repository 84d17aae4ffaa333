/**
 * How state records map to DynamoDB items in the one state table (partition key `pk`, sort key
 * `sk`, both strings), and how big an item is. Sections are stored as JSON strings, one
 * attribute each (`s_deployment`, `s_intent`, `s_status`, `s_bakes`), so a record's size is
 * known exactly before it is sent and a snapshot that is not JSON-only fails here as on disk.
 *
 * Items: `fleet#<name>`/`record` (fleet records), `claim#<group>#<instance>#<transition>`/`claim`
 * (lifecycle-action claims), `dedupe#<key>`/`dedupe` (message dedupe, expiring by the `ttl`
 * attribute), `lease`/`shard#NNN` and `lease`/`replica#<id>` (leases, see lease-table.ts),
 * `inbox`/`nudges` (the string set `fleets`: fleets whose owner should reconcile them soon).
 */
import type { AttributeValue } from '../../aws/types';
import { createHash } from 'node:crypto';
import { SECTION_NAMES, type FleetRecord, type LifecycleActionKey, type LifecycleClaim, type SectionShapes } from '../port';

export type Item = Record<string, AttributeValue>;

/** DynamoDB's item limit: 400 KB, attribute names included. */
export const MAX_ITEM_BYTES = 400 * 1024;
/** The attribute DynamoDB's TTL deletes by (epoch seconds). */
export const TTL_ATTRIBUTE = 'ttl';

export const fleetKey = (fleet: string): Item => ({ pk: { S: `fleet#${fleet}` }, sk: { S: 'record' } });
export const claimKey = (k: LifecycleActionKey): Item => ({ pk: { S: `claim#${k.group}#${k.instance}#${k.transition}` }, sk: { S: 'claim' } });
export const NUDGES_KEY: Item = { pk: { S: 'inbox' }, sk: { S: 'nudges' } };
export function dedupeKey(key: string): Item {
  const id = Buffer.byteLength(key) <= 512 ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
  return { pk: { S: `dedupe#${id}` }, sk: { S: 'dedupe' } };
}

export const n = (value: number): AttributeValue => ({ N: String(value) });
export const s = (value: string): AttributeValue => ({ S: value });
export const num = (v: AttributeValue | undefined): number | undefined => (v?.N === undefined ? undefined : Number(v.N));
export const str = (v: AttributeValue | undefined): string | undefined => v?.S;

export function recordToItem<S extends SectionShapes>(r: FleetRecord<S>): Item {
  const item: Item = { ...fleetKey(r.fleet), fleet: s(r.fleet), version: n(r.version), epoch: n(r.epoch) };
  if (r.updatedAt) item.updatedAt = s(r.updatedAt);
  for (const name of SECTION_NAMES) {
    const value = r.sections[name];
    if (value !== undefined) item[`s_${name}`] = s(JSON.stringify(value));
  }
  return item;
}

export function itemToRecord<S extends SectionShapes>(fleet: string, item: Item): FleetRecord<S> {
  const sections: Partial<S> = {};
  for (const name of SECTION_NAMES) {
    const text = str(item[`s_${name}`]);
    if (text === undefined) continue;
    try {
      (sections as Record<string, unknown>)[name] = JSON.parse(text);
    } catch (err) {
      throw new Error(`reading state of fleet ${fleet}: section ${name} is not JSON: ${(err as Error).message}`, { cause: err });
    }
  }
  const updatedAt = str(item.updatedAt);
  return { fleet, version: num(item.version) ?? 0, epoch: num(item.epoch) ?? 0, ...(updatedAt ? { updatedAt } : {}), sections };
}

export function itemToClaim(item: Item): LifecycleClaim {
  const completed = num(item.completedAtMs);
  return {
    group: str(item.group) ?? '',
    instance: str(item.instance) ?? '',
    transition: str(item.transition) ?? '',
    holder: str(item.holder) ?? '',
    claimedAtMs: num(item.claimedAtMs) ?? 0,
    ...(completed !== undefined ? { completedAtMs: completed } : {}),
  };
}

/** Bytes DynamoDB counts for an item: every attribute's name plus its value. */
export function itemBytes(item: Item): number {
  return Object.entries(item).reduce((sum, [name, v]) => sum + Buffer.byteLength(name) + valueBytes(v), 0);
}

/** The size rules of the DynamoDB developer guide, rounding numbers up (21 bytes at most). */
function valueBytes(v: AttributeValue): number {
  if (v.S !== undefined) return Buffer.byteLength(v.S);
  if (v.N !== undefined) return Math.min(21, Math.ceil(v.N.replace(/^-|\.|e.*$/gi, '').length / 2) + 1);
  if (v.B !== undefined) return v.B.length;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.M !== undefined) return 3 + Object.entries(v.M).reduce((sum, [k, x]) => sum + Buffer.byteLength(k) + valueBytes(x) + 1, 0);
  if (v.L !== undefined) return 3 + v.L.reduce((sum, x) => sum + valueBytes(x) + 1, 0);
  if (v.SS !== undefined) return v.SS.reduce((sum, x) => sum + Buffer.byteLength(x), 0);
  if (v.NS !== undefined) return v.NS.reduce((sum, x) => sum + valueBytes({ N: x }), 0);
  return 0;
}

/** Which sections make an item big, largest first: `status 310000 bytes, deployment 90000 bytes`. */
export function sizeDetail(item: Item): string {
  return Object.entries(item)
    .filter(([name]) => name.startsWith('s_'))
    .map(([name, v]) => [name.slice(2), Buffer.byteLength(name) + valueBytes(v)] as const)
    .sort((a, b) => b[1] - a[1])
    .map(([name, bytes]) => `${name} ${bytes} bytes`)
    .join(', ');
}
