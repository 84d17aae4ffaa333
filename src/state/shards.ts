/**
 * Fleets hash to S shards (default 64); leases are held per shard, never per fleet, so the
 * cost of leases does not grow with fleets. The hash is FNV-1a over the fleet name: stable
 * across processes, versions and platforms (every replica must agree).
 */
export const DEFAULT_SHARDS = 64;

export function shardOf(fleet: string, shards = DEFAULT_SHARDS): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(fleet, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shards;
}
