import { parse } from 'yaml';
import { createStateTable, stateTableCloudFormation, STATE_TABLE_SPEC } from './table';
import { DynamoStateStore } from './dynamo-store';
import { openDynamoStateStore } from './open';
import { StateItemTooLarge, StateTableMissing } from '../errors';
import { emptyRecord } from '../port';
import { createMemoryLogger, nullLogger } from '../../log/logger';
import { VirtualClock } from '../../util/clock';
import { CloudError } from '../../aws/errors';
import { onClock, throttledPutItem, useDynalite } from '../../../test/support/dynalite';

const db = useDynalite();

const T = Date.UTC(2026, 11, 4, 9);

describe('state table', () => {
  it('is created once; a second init changes nothing', async () => {
    const clock = new VirtualClock(T);
    const ctx = await db.table(clock, { name: 'init-twice' });
    const again = await createStateTable(ctx);
    expect(again).toMatchObject({ table: 'init-twice', created: false });
    // dynalite has no UpdateTimeToLive: reported, not fatal; items still expire by their own expiresAtMs.
    expect(typeof again.ttlEnabled).toBe('boolean');
  });

  it('prints the same table as CloudFormation YAML', () => {
    const doc = parse(stateTableCloudFormation('drover-state'));
    const props = doc.Resources.DroverStateTable.Properties;
    expect(doc.Resources.DroverStateTable.Type).toBe('AWS::DynamoDB::Table');
    expect(props).toMatchObject({
      TableName: 'drover-state',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: STATE_TABLE_SPEC.KeySchema,
      AttributeDefinitions: STATE_TABLE_SPEC.AttributeDefinitions,
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    });
    expect(doc.Outputs.StateUrl.Value).toBe('dynamodb://drover-state');
  });

  it('names `drover state init` once when the table is missing', async () => {
    // Opened as the daemon will: from the URL, with AWS_ENDPOINT_URL_DYNAMODB pointing at dynalite.
    const store = openDynamoStateStore({ table: 'no-such-table' }, { clock: new VirtualClock(T), logger: nullLogger, env: db.env() });
    const err = await store.read('web').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateTableMissing);
    expect((err as Error).message).toMatch(/^state table no-such-table does not exist \(region eu-west-1, endpoint http:\/\/127\.0\.0\.1:\d+\); create it with `drover state init --state dynamodb:\/\/no-such-table`$/);
  });

  it('refuses a record over 400 KB before sending it, naming the fleet and the big section', async () => {
    const calls: string[] = [];
    const store = await db.store(new VirtualClock(T), { calls });
    const r = await store.write(emptyRecord('big-fleet'), { intent: { small: true } }, { epoch: 1 }, T);
    calls.length = 0;
    const err = await store.write(r, { status: { events: 'x'.repeat(401 * 1024) } }, { epoch: 1 }, T).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateItemTooLarge);
    expect((err as Error).message).toMatch(/^writing state of fleet big-fleet: the record would be \d+ bytes, over DynamoDB's 409600-byte item limit \(status \d+ bytes, intent \d+ bytes\); nothing was written$/);
    expect(calls).toEqual([]);
    expect((await store.read('big-fleet')).sections).toEqual({ intent: { small: true } });
    // Just under the limit goes through (dynalite enforces the same 400 KB).
    await store.write(r, { status: { events: 'x'.repeat(390 * 1024) } }, { epoch: 1 }, T);
  });

  it('retries a throttled write with backoff on the injected clock, and a write throttled to the end changes nothing', async () => {
    const clock = new VirtualClock(T);
    const logger = createMemoryLogger();
    const ctx = await db.table(clock, { logger });
    const throttled = throttledPutItem(ctx.client, 2);
    ctx.client = throttled.client;
    const store = new DynamoStateStore(ctx);
    const startMs = clock.nowMs();
    const written = await onClock(clock, store.write(emptyRecord('web'), { status: { ok: 1 } }, { epoch: 1 }, T));
    expect(written.version).toBe(1);
    expect(clock.nowMs()).toBeGreaterThan(startMs);
    expect(logger.records.filter((r) => r.level === 'warn')).toHaveLength(2);

    throttled.left = 100;
    const limited = new DynamoStateStore({ ...ctx, retry: { maxAttempts: 3 } });
    const err = await onClock(clock, limited.write(written, { status: { ok: 2 } }, { epoch: 1 }, T)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudError);
    expect((err as Error).message).toMatch(/^writing state of fleet web: Rate of requests exceeds the allowed throughput\. \(ThrottlingException\)$/);
    throttled.left = 0;
    expect(await store.read('web')).toEqual(written);
  });
});
