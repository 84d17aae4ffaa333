/**
 * The DynamoDB backend of the state-store port: one table shared by every replica. Every
 * write is one conditional PutItem/UpdateItem/DeleteItem (no transactions: dynalite has
 * none, and none are needed): the condition holds the version read and the fencing epoch.
 * When a condition fails, a consistent read tells a VersionConflict from a FencedOut.
 * A record over DynamoDB's 400 KB item limit is refused before anything is sent.
 */
import type { AttributeValue } from '../../aws/types';
import { FencedOut, StateItemTooLarge, VersionConflict } from '../errors';
import {
  applyChanges,
  checkFleetName,
  checkKeyPart,
  emptyRecord,
  type ClaimOptions,
  type ClaimResult,
  type DedupeResult,
  type Fence,
  type FleetRecord,
  type LifecycleActionKey,
  type LifecycleClaim,
  type Nudges,
  type SectionChanges,
  type SectionShapes,
  type StateStore,
} from '../port';
import { claimKey, dedupeKey, fleetKey, NUDGES_KEY, itemBytes, itemToClaim, itemToRecord, MAX_ITEM_BYTES, n, recordToItem, s, sizeDetail, str, TTL_ATTRIBUTE, type Item } from './codec';
import { ConditionFailed, tableCall, type TableContext } from './table-call';

/** Claims are kept a week after they were taken, then expire. */
const CLAIM_TTL_SECONDS = 7 * 24 * 3600;

export class DynamoStateStore<S extends SectionShapes = SectionShapes> implements StateStore<S> {
  readonly where: string;

  constructor(private readonly ctx: TableContext) {
    this.where = `DynamoDB table ${ctx.table}`;
  }

  async read(fleet: string): Promise<FleetRecord<S>> {
    const item = await this.get(fleetKey(checkFleetName(fleet)), `reading state of fleet ${fleet}`);
    return item ? itemToRecord<S>(fleet, item) : emptyRecord<S>(fleet);
  }

  async list(): Promise<string[]> {
    const items = await this.scan('fleet#', 'fleet', 'listing fleets in the state table');
    return items.map((i) => str(i.fleet) ?? '').filter(Boolean).sort();
  }

  async readAll(): Promise<Array<FleetRecord<S>>> {
    const items = await this.scan('fleet#', undefined, 'reading every fleet record in the state table');
    return items
      .map((i) => itemToRecord<S>(str(i.fleet) ?? '', i))
      .filter((r) => r.fleet)
      .sort((a, b) => (a.fleet < b.fleet ? -1 : a.fleet > b.fleet ? 1 : 0));
  }

  async write(prev: FleetRecord<S>, changes: SectionChanges<S>, fence: Fence, nowMs: number): Promise<FleetRecord<S>> {
    checkFleetName(prev.fleet);
    const next = applyChanges(prev, changes, fence, nowMs);
    const item = recordToItem(next);
    const bytes = itemBytes(item);
    if (bytes > MAX_ITEM_BYTES) throw new StateItemTooLarge(prev.fleet, bytes, MAX_ITEM_BYTES, sizeDetail(item));
    const { expression, values } = this.expectations(prev, fence);
    try {
      await tableCall(this.ctx, `writing state of fleet ${prev.fleet}`, () =>
        this.ctx.client.PutItem({ TableName: this.ctx.table, Item: item, ConditionExpression: expression, ExpressionAttributeValues: values }),
      );
    } catch (err) {
      throw err instanceof ConditionFailed ? await this.whyRefused(prev, fence) : err;
    }
    return next;
  }

  async fence(fleet: string, epoch: number): Promise<void> {
    try {
      await tableCall(this.ctx, `fencing state of fleet ${fleet} at epoch ${epoch}`, () =>
        this.ctx.client.UpdateItem({
            TableName: this.ctx.table,
            Key: fleetKey(checkFleetName(fleet)),
            UpdateExpression: 'SET fleet = :f, epoch = :e, version = if_not_exists(version, :zero) + :one',
            ConditionExpression: 'attribute_not_exists(epoch) OR epoch < :e',
            ExpressionAttributeValues: { ':f': s(fleet), ':e': n(epoch), ':zero': n(0), ':one': n(1) },
          }),
      );
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err;
      const stored = await this.read(fleet);
      if (stored.epoch > epoch) throw new FencedOut(fleet, epoch, stored.epoch);
    }
  }

  async delete(prev: FleetRecord<S>, fence: Fence): Promise<void> {
    const { expression, values } = this.expectations(prev, fence);
    try {
      await tableCall(this.ctx, `deleting state of fleet ${prev.fleet}`, () =>
        this.ctx.client.DeleteItem({ TableName: this.ctx.table, Key: fleetKey(checkFleetName(prev.fleet)), ConditionExpression: expression, ExpressionAttributeValues: values }),
      );
    } catch (err) {
      throw err instanceof ConditionFailed ? await this.whyRefused(prev, fence) : err;
    }
  }

  async claimLifecycleAction(key: LifecycleActionKey, opts: ClaimOptions): Promise<ClaimResult> {
    const k = checkedClaimKey(key);
    const claim: LifecycleClaim = { ...key, holder: opts.holder, claimedAtMs: opts.nowMs };
    const item: Item = {
      ...k,
      group: s(key.group),
      instance: s(key.instance),
      transition: s(key.transition),
      holder: s(opts.holder),
      claimedAtMs: n(opts.nowMs),
      [TTL_ATTRIBUTE]: n(Math.ceil(opts.nowMs / 1000) + CLAIM_TTL_SECONDS),
    };
    try {
      await tableCall(this.ctx, `claiming lifecycle action ${key.transition} of ${key.instance} in group ${key.group}`, () =>
        this.ctx.client.PutItem({
            TableName: this.ctx.table,
            Item: item,
            ConditionExpression: 'attribute_not_exists(pk) OR (attribute_not_exists(completedAtMs) AND (holder = :me OR claimedAtMs <= :staleBefore))',
            ExpressionAttributeValues: { ':me': s(opts.holder), ':staleBefore': n(opts.nowMs - opts.staleAfterMs) },
          }),
      );
      return { claimed: true, claim };
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err;
      const held = await this.get(k, `reading lifecycle action claim of ${key.instance}`);
      return { claimed: false, claim: held ? itemToClaim(held) : claim };
    }
  }

  async completeLifecycleAction(key: LifecycleActionKey, holder: string, nowMs: number): Promise<boolean> {
    try {
      await tableCall(this.ctx, `completing lifecycle action ${key.transition} of ${key.instance} in group ${key.group}`, () =>
        this.ctx.client.UpdateItem({
            TableName: this.ctx.table,
            Key: checkedClaimKey(key),
            UpdateExpression: 'SET completedAtMs = :now',
            ConditionExpression: 'holder = :me AND attribute_not_exists(completedAtMs)',
            ExpressionAttributeValues: { ':me': s(holder), ':now': n(nowMs) },
          }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionFailed) return false;
      throw err;
    }
  }

  async listLifecycleClaims(group?: string): Promise<LifecycleClaim[]> {
    const prefix = group === undefined ? 'claim#' : `claim#${checkKeyPart('group', group)}#`;
    const items = await this.scan(prefix, undefined, 'listing lifecycle action claims');
    return items.map(itemToClaim).sort((a, b) => a.claimedAtMs - b.claimedAtMs);
  }

  async claimMessage(key: string, nowMs: number, ttlMs: number): Promise<DedupeResult> {
    const k = dedupeKey(key);
    const expiresAtMs = nowMs + ttlMs;
    try {
      await tableCall(this.ctx, `remembering message ${key}`, () =>
        this.ctx.client.PutItem({
            TableName: this.ctx.table,
            Item: { ...k, expiresAtMs: n(expiresAtMs), [TTL_ATTRIBUTE]: n(Math.ceil(expiresAtMs / 1000)) },
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAtMs <= :now',
            ExpressionAttributeValues: { ':now': n(nowMs) },
          }),
      );
      return { fresh: true };
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err;
      const held = await this.get(k, `reading message ${key}`);
      const value = str(held?.value);
      return { fresh: false, ...(value !== undefined ? { value } : {}) };
    }
  }

  async confirmMessage(key: string, value: string): Promise<void> {
    try {
      await tableCall(this.ctx, `recording message ${key} as ${value}`, () =>
        this.ctx.client.UpdateItem({ TableName: this.ctx.table, Key: dedupeKey(key), UpdateExpression: 'SET #v = :v', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeNames: { '#v': 'value' }, ExpressionAttributeValues: { ':v': s(value) } }),
      );
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err;
    }
  }

  async releaseMessage(key: string): Promise<void> {
    await tableCall(this.ctx, `forgetting message ${key}`, () => this.ctx.client.DeleteItem({ TableName: this.ctx.table, Key: dedupeKey(key) }));
  }

  async nudge(fleets: string[]): Promise<void> {
    if (!fleets.length) return;
    const set = { SS: [...new Set(fleets.map(checkFleetName))] };
    await tableCall(this.ctx, `nudging the owner of ${fleets.join(', ')}`, () =>
      this.ctx.client.UpdateItem({ TableName: this.ctx.table, Key: NUDGES_KEY, UpdateExpression: 'ADD #f :f', ExpressionAttributeNames: { '#f': 'fleets' }, ExpressionAttributeValues: { ':f': set } }),
    );
  }

  async announceManifests(revision: string): Promise<void> {
    await tableCall(this.ctx, `announcing manifest revision ${revision}`, () =>
      this.ctx.client.UpdateItem({ TableName: this.ctx.table, Key: NUDGES_KEY, UpdateExpression: 'SET #m = :m', ExpressionAttributeNames: { '#m': 'manifests' }, ExpressionAttributeValues: { ':m': s(revision) } }),
    );
  }

  async takeNudges(mine: (fleet: string) => boolean): Promise<Nudges> {
    const item = await this.get(NUDGES_KEY, 'reading nudges');
    const held = item?.fleets?.SS ?? [];
    const manifests = str(item?.manifests);
    const taken = held.filter(mine).sort();
    // A nudge added after the read stays: its fact was written before it, so the pass that follows reads it.
    if (taken.length) {
      await tableCall(this.ctx, `taking nudges for ${taken.join(', ')}`, () =>
        this.ctx.client.UpdateItem({ TableName: this.ctx.table, Key: NUDGES_KEY, UpdateExpression: 'DELETE #f :f', ExpressionAttributeNames: { '#f': 'fleets' }, ExpressionAttributeValues: { ':f': { SS: taken } } }),
      );
    }
    return { fleets: taken, ...(manifests !== undefined ? { manifests } : {}) };
  }

  /** The condition for a write over `prev`: its version, and no newer epoch than the fence. */
  private expectations(prev: FleetRecord<S>, fence: Fence): { expression: string; values: Record<string, AttributeValue> } {
    const values: Record<string, AttributeValue> = { ':v': n(prev.version) };
    const version = prev.version === 0 ? '(attribute_not_exists(pk) OR version = :v)' : 'version = :v';
    if (fence === 'intake') return { expression: version, values };
    values[':e'] = n(fence.epoch);
    const epoch = prev.version === 0 ? '(attribute_not_exists(pk) OR epoch <= :e)' : 'epoch <= :e';
    return { expression: `${version} AND ${epoch}`, values };
  }

  private async whyRefused(prev: FleetRecord<S>, fence: Fence): Promise<Error> {
    const stored = await this.read(prev.fleet);
    if (fence !== 'intake' && stored.epoch > fence.epoch) return new FencedOut(prev.fleet, fence.epoch, stored.epoch);
    return new VersionConflict(prev.fleet, prev.version, stored.version);
  }

  private async get(key: Item, context: string): Promise<Item | undefined> {
    const out = await tableCall(this.ctx, context, () => this.ctx.client.GetItem({ TableName: this.ctx.table, Key: key, ConsistentRead: true }));
    return out.Item;
  }

  /** Every item whose pk starts with `prefix` (a full scan, paginated). */
  private async scan(prefix: string, projection: string | undefined, context: string): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const out = await tableCall(this.ctx, context, () =>
        this.ctx.client.Scan({
            TableName: this.ctx.table,
            ConsistentRead: true,
            FilterExpression: 'begins_with(pk, :p)',
            ExpressionAttributeValues: { ':p': s(prefix) },
            ...(projection ? { ProjectionExpression: projection } : {}),
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }
}

function checkedClaimKey(key: LifecycleActionKey): Item {
  checkKeyPart('group', key.group);
  checkKeyPart('instance', key.instance);
  checkKeyPart('transition', key.transition);
  return claimKey(key);
}
