/**
 * dynalite (an in-memory DynamoDB) inside the test process: no server outside it. Each call
 * starts one on a free loopback port; `table()` creates a fresh state table, `store()` a state
 * store on one, and `client()` gives a DynamoDB client pointed at it, counting every call it
 * sends (by operation). `useDynalite()` starts one for a test file (or a describe block) and
 * closes it after.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createDynamoClient, type StateTableApi } from '../../src/aws/dynamodb';
import { nullLogger, type Logger } from '../../src/log/logger';
import { VirtualClock, type Clock } from '../../src/util/clock';
import { createStateTable } from '../../src/state/dynamo/table';
import { DynamoStateStore } from '../../src/state/dynamo/dynamo-store';
import type { TableContext } from '../../src/state/dynamo/table-call';

export interface TableOptions {
  name?: string;
  calls?: string[];
  logger?: Logger;
}

export interface Dynalite {
  endpoint: string;
  /** A client that records each operation it sends in `calls`. */
  client(calls?: string[]): StateTableApi;
  /** A new state table, created like `drover state init`; returns its context. */
  table(clock: Clock, opts?: TableOptions): Promise<TableContext>;
  /** A DynamoStateStore on a new state table (see `table`). */
  store(clock: Clock, opts?: TableOptions): Promise<DynamoStateStore>;
  /** This process's environment with AWS_ENDPOINT_URL_DYNAMODB at this dynalite and dummy credentials, as `openState` and the CLI read it. */
  env(): NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** Run `p` while moving the virtual clock to each timer it sets (awsCall's backoff sleeps on it). */
export async function onClock<R>(clock: VirtualClock, p: Promise<R>): Promise<R> {
  let done = false;
  p.then(() => (done = true), () => (done = true));
  while (!done) {
    await new Promise((resolve) => setImmediate(resolve));
    const at = clock.nextTimerAt();
    if (at !== undefined) clock.set(at);
  }
  return p;
}

/** `client` with its PutItem throttled (ThrottlingException) while `left` counts down past 0; set `left` again to throttle more. */
export function throttledPutItem(client: StateTableApi, left: number): { client: StateTableApi; left: number } {
  const throttled = { left, client: { ...client } };
  throttled.client.PutItem = (async (input: Parameters<StateTableApi['PutItem']>[0]) => {
    if (throttled.left-- > 0) throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), { name: 'ThrottlingException', $fault: 'client' });
    return client.PutItem(input);
  }) as StateTableApi['PutItem'];
  return throttled;
}

let tables = 0;

export async function startDynalite(): Promise<Dynalite> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- dynalite ships no types
  const dynalite = require('dynalite') as (opts: { createTableMs: number; deleteTableMs: number; updateTableMs: number }) => Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const made: StateTableApi[] = [];
  const client = (calls?: string[]) => {
    const c = createDynamoClient({ endpoint, region: 'eu-west-1', ...(calls ? { onCall: (op: string) => calls.push(op) } : {}) });
    made.push(c);
    return c;
  };
  const table = async (clock: Clock, opts: TableOptions = {}) => {
    const ctx: TableContext = { client: client(opts.calls), table: opts.name ?? `drover-state-${++tables}`, clock, logger: opts.logger ?? nullLogger, region: 'eu-west-1', endpoint };
    // dynalite may still say CREATING on a busy machine; createStateTable then polls on its clock.
    // Poll on a clock of its own, moved to each due poll, so the test's clock never moves for it.
    const tableClock = new VirtualClock(clock.nowMs());
    await onClock(tableClock, createStateTable({ ...ctx, clock: tableClock }));
    return ctx;
  };
  return {
    endpoint,
    client,
    table,
    store: async (clock, opts) => new DynamoStateStore(await table(clock, opts)),
    env: () => ({ ...process.env, AWS_ENDPOINT_URL_DYNAMODB: endpoint, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' }),
    async close() {
      for (const c of made) c.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * One dynalite for the enclosing test file or describe block: started in its beforeAll, closed
 * in its afterAll (hooks run in the order they are declared, so declare one that must run
 * before the close first). The handle is usable inside tests and hooks only.
 */
export function useDynalite(): Dynalite {
  let db: Dynalite | undefined;
  beforeAll(async () => {
    db = await startDynalite();
  });
  afterAll(() => db?.close());
  const live = (): Dynalite => {
    if (!db) throw new Error('dynalite is not running: use the handle of useDynalite() inside a test or hook');
    return db;
  };
  return {
    get endpoint() {
      return live().endpoint;
    },
    client: (calls) => live().client(calls),
    table: (clock, opts) => live().table(clock, opts),
    store: (clock, opts) => live().store(clock, opts),
    env: () => live().env(),
    close: () => live().close(),
  };
}
