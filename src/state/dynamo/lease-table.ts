/**
 * Shard leases in the state table: `lease`/`shard#NNN` records and `lease`/`replica#<id>`
 * heartbeats in one partition (a few small items; the lease writes per period are one per
 * replica). Every write is a conditional PutItem; reads are consistent Queries.
 */
import type { AttributeValue } from '../../aws/types';
import type { LeaseTable, ReplicaBeat, ShardRecord } from '../lease-port';
import { n, num, s, str, TTL_ATTRIBUTE, type Item } from './codec';
import { ConditionFailed, tableCall, type TableContext } from './table-call';

const PK = 'lease';
const shardSk = (shard: number) => `shard#${String(shard).padStart(4, '0')}`;
const replicaSk = (id: string) => `replica#${id}`;

export class DynamoLeaseTable implements LeaseTable {
  constructor(private readonly ctx: TableContext) {}

  async readReplicas(): Promise<ReplicaBeat[]> {
    return (await this.query('replica#', 'reading replica heartbeats')).map((i) => ({
      id: str(i.owner) ?? '',
      expiresAtMs: num(i.expiresAtMs) ?? 0,
      startedAtMs: num(i.startedAtMs) ?? 0,
      shardCount: num(i.shardCount) ?? 0,
      shards: Object.fromEntries(Object.entries(i.shards?.M ?? {}).map(([k, v]) => [Number(k), num(v) ?? 0])),
    }));
  }

  async readShards(): Promise<ShardRecord[]> {
    return (await this.query('shard#', 'reading shard leases')).map((i) => {
      const owner = str(i.owner);
      return { shard: num(i.shard) ?? 0, epoch: num(i.epoch) ?? 0, version: num(i.version) ?? 0, ...(owner ? { owner } : {}) };
    });
  }

  async join(beat: ReplicaBeat): Promise<void> {
    await tableCall(this.ctx, `joining as replica ${beat.id}`, () => this.ctx.client.PutItem({ TableName: this.ctx.table, Item: beatItem(beat) }));
  }

  async renew(beat: ReplicaBeat, nowMs: number): Promise<boolean> {
    return this.conditional(`renewing the leases of replica ${beat.id}`, beatItem(beat), '#owner = :me AND expiresAtMs >= :now', { ':me': s(beat.id), ':now': n(nowMs) });
  }

  async putShard(next: Omit<ShardRecord, 'version'>, expectedVersion: number): Promise<boolean> {
    const item: Item = { pk: s(PK), sk: s(shardSk(next.shard)), shard: n(next.shard), epoch: n(next.epoch), version: n(expectedVersion + 1) };
    if (next.owner) item.owner = s(next.owner);
    const condition = expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :v';
    const what = next.owner ? `taking shard ${next.shard} for ${next.owner} at epoch ${next.epoch}` : `giving back shard ${next.shard}`;
    return this.conditional(what, item, condition, expectedVersion === 0 ? undefined : { ':v': n(expectedVersion) });
  }

  async leave(id: string): Promise<void> {
    await tableCall(this.ctx, `removing the heartbeat of replica ${id}`, () =>
      this.ctx.client.DeleteItem({ TableName: this.ctx.table, Key: { pk: s(PK), sk: s(replicaSk(id)) } }),
    );
  }

  async prune(id: string, expiresAtMs: number): Promise<void> {
    try {
      await tableCall(this.ctx, `removing the heartbeat of dead replica ${id}`, () =>
        this.ctx.client.DeleteItem({ TableName: this.ctx.table, Key: { pk: s(PK), sk: s(replicaSk(id)) }, ConditionExpression: 'expiresAtMs = :seen', ExpressionAttributeValues: { ':seen': n(expiresAtMs) } }),
      );
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err;
    }
  }

  private async conditional(context: string, item: Item, condition: string, values: Record<string, AttributeValue> | undefined): Promise<boolean> {
    try {
      await tableCall(this.ctx, context, () =>
        this.ctx.client.PutItem({
            TableName: this.ctx.table,
            Item: item,
            ConditionExpression: condition,
            ...(condition.includes('#owner') ? { ExpressionAttributeNames: { '#owner': 'owner' } } : {}),
            ...(values ? { ExpressionAttributeValues: values } : {}),
          }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionFailed) return false;
      throw err;
    }
  }

  private async query(prefix: string, context: string): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const out = await tableCall(this.ctx, context, () =>
        this.ctx.client.Query({
            TableName: this.ctx.table,
            ConsistentRead: true,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
            ExpressionAttributeValues: { ':pk': s(PK), ':p': s(prefix) },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }
}

function beatItem(beat: ReplicaBeat): Item {
  return {
    pk: s(PK),
    sk: s(replicaSk(beat.id)),
    owner: s(beat.id),
    expiresAtMs: n(beat.expiresAtMs),
    startedAtMs: n(beat.startedAtMs),
    shardCount: n(beat.shardCount),
    // DynamoDB's TTL removes a heartbeat a day after it expired, whoever is left to prune it.
    [TTL_ATTRIBUTE]: n(Math.ceil(beat.expiresAtMs / 1000) + 24 * 3600),
    shards: { M: Object.fromEntries(Object.entries(beat.shards).map(([k, v]) => [k, n(v)])) },
  };
}
