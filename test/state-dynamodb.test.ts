/**
 * Fleet state on DynamoDB (issue 13), with dynalite in the test process: `drover state init`,
 * the daemon converging the example fleet with every record in the table (none in the state
 * directory), `drover get/describe/events --state dynamodb://T` reading the table with no
 * daemon, and the errors a user meets: a missing table, a malformed --state, an item too large.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { fleetReconciler } from '../src/main/fleet-reconciler';
import { FencedOut, StateItemTooLarge } from '../src/state/errors';
import { RecordRegisterPersistence } from '../src/controllers/intake/bake-register-records';
import { DynamoStateStore } from '../src/state/dynamo/dynamo-store';
import { soloOwnership } from '../src/state/leases';
import type { OpenedState } from '../src/state/open';
import { FileStatusStore } from '../src/status/status-store';
import { FleetMemoryStore, type CorruptState } from '../src/controllers/fleet/fleet-memory';
import { raiseStateCorrupt } from '../src/controllers/fleet/state-corrupt';
import { VirtualClock } from '../src/util/clock';
import { progressingFleet, readyFleet } from './support/status-fixtures';
import { onClock, throttledPutItem, useDynalite } from './support/dynalite';
import { drover } from './support/cli';
import { createDaemonEnv, tempDir, type DaemonEnv } from './daemon-env';
import { stopAfterEach } from './support/daemon-hooks';

const EXAMPLE = fs.readFileSync(path.resolve(__dirname, '../manifests/examples/magento-marketplace.yaml'), 'utf8');
const T = Date.UTC(2026, 11, 4, 9);

const db = useDynalite();
const saved = { endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB, region: process.env.AWS_REGION, state: process.env.DROVER_STATE };
beforeAll(() => {
  // As an operator would: the CLI finds the table through AWS_ENDPOINT_URL_DYNAMODB.
  process.env.AWS_ENDPOINT_URL_DYNAMODB = db.endpoint;
  process.env.AWS_REGION = 'eu-west-1';
  delete process.env.DROVER_STATE;
});
afterAll(() => {
  for (const [key, value] of [['AWS_ENDPOINT_URL_DYNAMODB', saved.endpoint], ['AWS_REGION', saved.region], ['DROVER_STATE', saved.state]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe('drover state init', () => {
  it('creates the table once (a second init changes nothing), and -o yaml prints its CloudFormation without creating anything', async () => {
    const first = await drover('state', 'init', '--state', 'dynamodb://init-cli');
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(/^state table init-cli created \(on-demand billing, /);
    const again = await drover('state', 'init', '--state', 'dynamodb://init-cli');
    expect(again.stdout).toMatch(/^state table init-cli already exists/);

    const yaml = await drover('state', 'init', '--state', 'dynamodb://never-made', '-o', 'yaml');
    expect(yaml.code).toBe(0);
    const props = parse(yaml.stdout).Resources.DroverStateTable.Properties;
    expect(props).toMatchObject({ TableName: 'never-made', BillingMode: 'PAY_PER_REQUEST', TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true } });
    // Printing the template created nothing: the table is still missing.
    await expect(drover('get', 'fleets', '--state', 'dynamodb://never-made')).resolves.toMatchObject({ code: 1 });
  });

  it('-o yaml without a table, and a malformed --state or DROVER_STATE, are usage errors naming the flag or variable', async () => {
    const dir = tempDir('state-init');
    expect(await drover('state', 'init', '--state-dir', dir)).toMatchObject({ code: 0, stdout: `state directory ${dir} needs no set-up\n` });
    const noTable = await drover('state', 'init', '-o', 'yaml', '--state-dir', dir);
    expect(noTable.code).toBe(2);
    expect(noTable.stderr).toContain('pass --state dynamodb://TABLE');
    const bad = await drover('get', 'fleets', '--state', 'dynamo://t1');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^drover: --state "dynamo:\/\/t1": unknown scheme "dynamo:"; expected dynamodb:\/\/TABLE/);
    process.env.DROVER_STATE = 'dynamodb://a';
    try {
      const env = await drover('get', 'fleets');
      expect(env.code).toBe(2);
      expect(env.stderr).toMatch(/^drover: DROVER_STATE "dynamodb:\/\/a": table name "a" is not valid/);
    } finally {
      delete process.env.DROVER_STATE;
    }
  });
});

describe('reading a table that does not exist', () => {
  it('says once which command creates it, for every read command', async () => {
    for (const args of [['get', 'fleets'], ['describe', 'fleet', 'shop'], ['events'], ['rollout', 'history', 'shop'], ['rollout', 'pause', 'shop'], ['dashboard', '--listen', '127.0.0.1:0']]) {
      const run = await drover(...args, '--state', 'dynamodb://no-such-table');
      expect({ args, code: run.code }).toEqual({ args, code: 1 });
      expect({ args, stderr: run.stderr.match(/drover state init --state dynamodb:\/\/no-such-table/g)?.length }).toEqual({ args, stderr: 1 });
      expect(run.stderr).toContain('state table no-such-table does not exist');
    }
  });
});

describe('component stores over the table', () => {
  it('refuses a status over 400 KB before sending it, naming the fleet; the stored record is unchanged', async () => {
    const statuses = new FileStatusStore(await db.store(new VirtualClock(T)), { warn: () => undefined });
    await statuses.save(readyFleet);
    const huge = { ...readyFleet, events: [{ ...readyFleet.events[0], message: 'x'.repeat(401 * 1024) }] };
    const err = await statuses.save(huge).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateItemTooLarge);
    expect((err as Error).message).toMatch(new RegExp(`^writing state of fleet ${readyFleet.name}: the record would be \\d+ bytes, over DynamoDB's 409600-byte item limit \\(status \\d+ bytes\\); nothing was written$`));
    expect(await statuses.load(readyFleet.name)).toEqual(readyFleet);
  });

  it('a throttled status write is retried on the injected clock; throttled to the end, it fails naming the fleet and the throttle', async () => {
    const clock = new VirtualClock(T);
    const ctx = await db.table(clock);
    const throttled = throttledPutItem(ctx.client, 2);
    const statuses = new FileStatusStore(new DynamoStateStore({ ...ctx, client: throttled.client }), { warn: () => undefined });
    await onClock(clock, statuses.save(readyFleet));
    expect(await statuses.load(readyFleet.name)).toEqual(readyFleet);
    throttled.left = 100;
    const limited = new FileStatusStore(new DynamoStateStore({ ...ctx, client: throttled.client, retry: { maxAttempts: 3 } }), { warn: () => undefined });
    const err = await onClock(clock, limited.save({ ...readyFleet, phase: 'Degraded' })).catch((e: unknown) => e);
    expect((err as Error).message).toBe(`writing state of fleet ${readyFleet.name}: Rate of requests exceeds the allowed throughput. (ThrottlingException)`);
    expect(await statuses.load(readyFleet.name)).toEqual(readyFleet);
  });

  it('every write carries the fence the provider gives (the epoch of the shard lease); a stale one fails FencedOut and writes nothing', async () => {
    const store = await db.store(new VirtualClock(T));
    let epoch = 7;
    const fence = () => ({ epoch });
    const statuses = new FileStatusStore(store, { fence, warn: () => undefined });
    const memory = new FleetMemoryStore(store, { fence, now: () => new Date(T) });
    const bakes = new RecordRegisterPersistence(store, { fence, nowMs: () => T });
    await statuses.save(readyFleet);
    await memory.update(readyFleet.name, (m) => ({ ...m, undoRequestedAt: 't1' }));
    await bakes.write({ seq: 1, fleets: { [readyFleet.name]: { seenMessageIds: ['m1'] } } }, { seq: 0, fleets: {} });
    const written = await store.read(readyFleet.name);
    expect(written).toMatchObject({ epoch: 7, version: 3 });
    // Another replica took the shard at epoch 8: this one's writes fail before anything changes.
    await store.fence(readyFleet.name, 8);
    epoch = 7;
    await expect(statuses.save({ ...readyFleet, phase: 'Degraded' })).rejects.toBeInstanceOf(FencedOut);
    await expect(memory.update(readyFleet.name, (m) => ({ ...m, undoRequestedAt: 't2' }))).rejects.toBeInstanceOf(FencedOut);
    await expect(bakes.write({ seq: 2, fleets: {} }, { seq: 1, fleets: { [readyFleet.name]: { seenMessageIds: ['m1'] } } })).rejects.toBeInstanceOf(FencedOut);
    const after = await store.read(readyFleet.name);
    expect(after.sections).toEqual(written.sections);
    expect(await statuses.load(readyFleet.name)).toEqual(readyFleet);
  });

  it('a corrupt intent section is removed and reported with its text (a table keeps no copy beside it)', async () => {
    const ctx = await db.table(new VirtualClock(T));
    const store = new DynamoStateStore(ctx);
    await store.write(await store.read('web'), { intent: { fleet: 'web', failed: 'not a list' } }, { epoch: 1 }, T);
    const reported: unknown[] = [];
    const memory = new FleetMemoryStore(store, { now: () => new Date(T), onCorrupt: (c) => reported.push(c) });
    expect(await memory.load('web')).toEqual({ fleet: 'web', failed: [] });
    expect(reported).toEqual([{ fleet: 'web', file: `state of fleet web in DynamoDB table ${ctx.table}`, movedTo: '(removed from the record; its text is in the log)', error: '"failed" is not a list', value: '{"fleet":"web","failed":"not a list"}' }]);
    expect((await store.read('web')).sections.intent).toBeUndefined();
    // Raised on the fleet's status, the event carries what the section held (no file keeps a copy).
    const statuses = new FileStatusStore(store, { warn: () => undefined });
    await statuses.save({ ...readyFleet, name: 'web' });
    expect(await raiseStateCorrupt(statuses, reported[0] as CorruptState, 'rebuilt', new Date(T))).toBe(true);
    const event = (await statuses.load('web'))!.events.at(-1)!;
    expect(event).toMatchObject({ type: 'Warning', reason: 'StateCorrupt' });
    expect(event.message).toContain(`state of fleet web in DynamoDB table ${ctx.table} was unreadable ("failed" is not a list); moved to (removed from the record; its text is in the log); it held {"fleet":"web","failed":"not a list"}`);
  });
});

describe('rollout controls on a shared table', () => {
  it('`rollout pause --state` records the fact in the fleet record and nudges its owner, which takes the nudge once', async () => {
    const table = 'controls-nudge';
    const clock = new VirtualClock(T);
    const store = new DynamoStateStore(await db.table(clock, { name: table }));
    await new FileStatusStore(store, { fence: () => 'intake' }).save(progressingFleet);
    const run = await drover('rollout', 'pause', progressingFleet.name, '--state', `dynamodb://${table}`);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain(`the replica that owns fleet ${progressingFleet.name} acts on it within seconds`);
    const intent = (await store.read(progressingFleet.name)).sections.intent as { controls?: Array<{ kind: string }> };
    expect(intent.controls?.map((c) => c.kind)).toEqual(['pause']);
    expect(await store.takeNudges((f) => f === progressingFleet.name)).toEqual({ fleets: [progressingFleet.name] });
    expect(await store.takeNudges(() => true)).toEqual({ fleets: [] });
  });
});

describe('drover daemon --state dynamodb://T', () => {
  jest.setTimeout(120_000);
  let env: DaemonEnv | undefined;
  stopAfterEach(() => env);

  it('refuses to start on a missing table (naming drover state init) or a malformed --state, changing nothing', async () => {
    const dir = tempDir('manifests');
    fs.writeFileSync(path.join(dir, 'magento-marketplace.yaml'), EXAMPLE);
    const stateDir = tempDir('state');
    const missing = await drover('daemon', '-f', dir, '--sim', '--listen', '127.0.0.1:0', '--state-dir', stateDir, '--state', 'dynamodb://no-table-here');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('state table no-table-here does not exist');
    expect(missing.stderr).toContain('create it with `drover state init --state dynamodb://no-table-here`');
    const bad = await drover('daemon', '-f', dir, '--sim', '--state-dir', stateDir, '--state', 'dynamodb://x/y');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^drover: --state "dynamodb:\/\/x\/y": not of the form dynamodb:\/\/TABLE/);
    expect(fs.existsSync(path.join(stateDir, 'state', 'fleets'))).toBe(false);
  });

  it('converges the example fleet with its records in the table, and `get fleets --state` shows it with no daemon', async () => {
    const table = 'daemon-state';
    expect((await drover('state', 'init', '--state', `dynamodb://${table}`)).code).toBe(0);
    const clock = new VirtualClock(T);
    const state = await db.store(clock, { name: table });
    // The table as the daemon's store, one process owning every shard (leases are tested with replicas elsewhere).
    const opened: OpenedState = { location: { kind: 'dynamodb', table }, store: state, shared: false, ownership: () => soloOwnership(), shardOwners: async () => undefined, init: async () => '', close: () => undefined };
    env = createDaemonEnv({ manifests: { 'magento-marketplace.yaml': EXAMPLE }, options: { state: opened, reconcilerFactory: (ctx) => fleetReconciler(ctx) } });
    await env.daemon.start();
    const ready = async () => (await new FileStatusStore(state).load('magento-marketplace'))?.phase === 'Ready';
    let converged = false;
    for (let i = 0; i < 120 && !converged; i++) {
      await env.drive(30_000);
      converged = await ready();
    }
    expect(converged).toBe(true);
    // Every section went to the table; the state directory holds no fleet record.
    const record = await state.read('magento-marketplace');
    expect(record.sections.status).toMatchObject({ name: 'magento-marketplace', phase: 'Ready' });
    expect(fs.existsSync(path.join(env.stateDir, 'state', 'fleets', 'magento-marketplace.json'))).toBe(false);
    await env.stop();

    const get = await drover('get', 'fleets', '--state', `dynamodb://${table}`, '--state-dir', tempDir('empty'));
    expect(get.code).toBe(0);
    expect(get.stdout).toMatch(/^NAME\s+/);
    expect(get.stdout).toMatch(/\nmagento-marketplace\s+ami-\w+\s+\S+\s+2\/2\s+Ready\s/);
    const described = await drover('describe', 'fleet', 'magento-marketplace', '--state', `dynamodb://${table}`);
    expect(described.code).toBe(0);
    expect(described.stdout).toContain('magento-marketplace');
    const events = await drover('events', 'magento-marketplace', '--state', `dynamodb://${table}`, '-o', 'json');
    expect(JSON.parse(events.stdout).items.length).toBeGreaterThan(0);
  });
});
