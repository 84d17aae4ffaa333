/**
 * The multi-replica harness's lease monitor: "never two owners of one shard at any instant".
 *
 * It sees every lease write that succeeded, in the order the table took them (the recording
 * proxies in front of dynalite report each exchange; virtual time cannot move while one is in
 * flight), so no instant is missed, as sampling would. Ownership follows leases.ts exactly:
 * - a replica may act on a shard from the write that named it the shard's owner at an epoch
 *   until its acting deadline: the expiry of its last good heartbeat minus the margin
 *   (`sent + lease - margin`), or earlier, when it gave the shard back, left, or renewed
 *   without it;
 * - a double ownership is a shard record naming a new owner while the previous one could
 *   still act (its deadline is after the write), or a heartbeat that renews a shard whose
 *   record names another replica that can act. Every one is kept with its details.
 */
import type { LeaseSettings } from '../../state/leases';

export type LeaseEvent =
  | { kind: 'shard'; atMs: number; by: string; shard: number; owner?: string; epoch: number }
  | { kind: 'beat'; atMs: number; by: string; id: string; expiresAtMs: number; shards: Record<number, number> }
  | { kind: 'leave'; atMs: number; by: string; id: string };

export interface DoubleOwnership {
  shard: number;
  atMs: number;
  holder: string;
  holderUntilMs: number;
  other: string;
  detail: string;
}

interface Holding {
  id: string;
  epoch: number;
  untilMs: number;
}

export class LeaseMonitor {
  readonly doubles: DoubleOwnership[] = [];
  /** Lease writes seen (heartbeats, shard records, leaves). */
  writes = 0;
  private readonly holders = new Map<number, Holding>();
  private readonly deadline = new Map<string, number>();
  /** Every change of a shard's owner, for failover and rebalance figures. */
  readonly handovers: Array<{ shard: number; atMs: number; from?: string; to?: string; epoch: number }> = [];

  constructor(private readonly settings: Pick<LeaseSettings, 'marginMs'>) {}

  observe(e: LeaseEvent): void {
    this.writes++;
    if (e.kind === 'shard') this.shardWritten(e);
    else if (e.kind === 'beat') this.beat(e);
    else this.left(e.id, e.atMs);
  }

  /** The replica that may act on `shard` at `atMs` (its record names it and its deadline is ahead). */
  ownerAt(shard: number, atMs: number): string | undefined {
    const h = this.holders.get(shard);
    return h && h.untilMs > atMs ? h.id : undefined;
  }

  /** Shards each replica may act on at `atMs`. */
  shardsByOwner(atMs: number): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const [shard, h] of [...this.holders].sort((a, b) => a[0] - b[0])) {
      if (h.untilMs <= atMs) continue;
      out.set(h.id, [...(out.get(h.id) ?? []), shard]);
    }
    return out;
  }

  private shardWritten(e: Extract<LeaseEvent, { kind: 'shard' }>): void {
    const prev = this.holders.get(e.shard);
    if (!e.owner) {
      // Given back: its holder stopped acting before the write (leases.ts giveBack).
      if (prev) this.handovers.push({ shard: e.shard, atMs: e.atMs, from: prev.id, epoch: e.epoch });
      this.holders.delete(e.shard);
      return;
    }
    if (prev && prev.id !== e.owner && prev.untilMs > e.atMs) {
      this.doubles.push({
        shard: e.shard,
        atMs: e.atMs,
        holder: prev.id,
        holderUntilMs: prev.untilMs,
        other: e.owner,
        detail: `${e.owner} took shard ${e.shard} at epoch ${e.epoch} while ${prev.id} could act on it (epoch ${prev.epoch}) for ${prev.untilMs - e.atMs} ms more`,
      });
    }
    if (prev?.id !== e.owner || prev.epoch !== e.epoch) this.handovers.push({ shard: e.shard, atMs: e.atMs, ...(prev ? { from: prev.id } : {}), to: e.owner, epoch: e.epoch });
    this.holders.set(e.shard, { id: e.owner, epoch: e.epoch, untilMs: this.deadline.get(e.owner) ?? e.atMs });
  }

  private beat(e: Extract<LeaseEvent, { kind: 'beat' }>): void {
    const until = e.expiresAtMs - this.settings.marginMs;
    this.deadline.set(e.id, until);
    for (const [shard, h] of this.holders) {
      if (h.id !== e.id) continue;
      // Renewed with the shard at its epoch: valid to the new deadline. Without it: it let go by now.
      h.untilMs = e.shards[shard] === h.epoch ? until : Math.min(h.untilMs, e.atMs);
    }
    for (const [key, epoch] of Object.entries(e.shards)) {
      const shard = Number(key);
      const h = this.holders.get(shard);
      if (!h || h.id === e.id || h.untilMs <= e.atMs) continue;
      this.doubles.push({
        shard,
        atMs: e.atMs,
        holder: h.id,
        holderUntilMs: h.untilMs,
        other: e.id,
        detail: `${e.id} renewed its heartbeat holding shard ${shard} (epoch ${epoch}) while ${h.id} holds it at epoch ${h.epoch}`,
      });
    }
  }

  private left(id: string, atMs: number): void {
    this.deadline.set(id, -Infinity);
    for (const h of this.holders.values()) if (h.id === id) h.untilMs = Math.min(h.untilMs, atMs);
  }
}

type Attr = { S?: string; N?: string; M?: Record<string, Attr> };

/**
 * The lease event in one DynamoDB exchange (JSON protocol, `X-Amz-Target: DynamoDB_20120810.Op`),
 * or undefined: not a lease item, or the write did not succeed (a failed condition is a 400).
 */
export function leaseEventOf(target: string | undefined, requestBody: string, status: number, atMs: number, by: string): LeaseEvent | undefined {
  if (status !== 200 || !target) return undefined;
  const op = target.split('.').pop();
  if (op !== 'PutItem' && op !== 'DeleteItem') return undefined;
  const body = JSON.parse(requestBody) as { Item?: Record<string, Attr>; Key?: Record<string, Attr> };
  const item = op === 'PutItem' ? body.Item : body.Key;
  if (item?.pk?.S !== 'lease') return undefined;
  const sk = item.sk?.S ?? '';
  const num = (a: Attr | undefined) => Number(a?.N ?? NaN);
  if (sk.startsWith('replica#')) {
    const id = sk.slice('replica#'.length);
    if (op === 'DeleteItem') return { kind: 'leave', atMs, by, id };
    const shards = Object.fromEntries(Object.entries(item.shards?.M ?? {}).map(([k, v]) => [Number(k), num(v)]));
    return { kind: 'beat', atMs, by, id, expiresAtMs: num(item.expiresAtMs), shards };
  }
  if (sk.startsWith('shard#') && op === 'PutItem') {
    return { kind: 'shard', atMs, by, shard: num(item.shard), epoch: num(item.epoch), ...(item.owner?.S ? { owner: item.owner.S } : {}) };
  }
  return undefined;
}

/** What a DynamoDB write was about, for the write counts: `lease`, `fleet`, `claim`, `dedupe`; undefined for reads. */
export function writeKindOf(target: string | undefined, requestBody: string, status: number): string | undefined {
  const op = target?.split('.').pop();
  if (status !== 200 || !op || !['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'].includes(op)) return undefined;
  const body = JSON.parse(requestBody) as { Item?: Record<string, Attr>; Key?: Record<string, Attr> };
  const pk = (body.Item ?? body.Key)?.pk?.S ?? '';
  const kind = pk.split('#')[0];
  return kind || 'other';
}
