/**
 * dynalite (an in-memory DynamoDB) inside the test process: no server outside it. Each call
 * starts one on a free loopback port; `table()` creates a fresh state table, and `client()`
 * gives a DynamoDB client pointed at it, counting every call it sends (by operation).
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createDynamoClient, type StateTableApi } from '../../src/aws/dynamodb';
import { nullLogger, type Logger } from '../../src/log/logger';
import { VirtualClock, type Clock } from '../../src/util/clock';
import { createStateTable } from '../../src/state/dynamo/table';
import type { TableContext } from '../../src/state/dynamo/table-call';

export interface Dynalite {
  endpoint: string;
  /** A client that records each operation it sends in `calls`. */
  client(calls?: string[]): StateTableApi;
  /** A new state table, created like `drover state init`; returns its context. */
  table(clock: Clock, opts?: { name?: string; calls?: string[]; logger?: Logger }): Promise<TableContext>;
  close(): Promise<void>;
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
  return {
    endpoint,
    client,
    async table(clock, opts = {}) {
      const ctx: TableContext = { client: client(opts.calls), table: opts.name ?? `drover-state-${++tables}`, clock, logger: opts.logger ?? nullLogger, region: 'eu-west-1', endpoint };
      // dynalite may still say CREATING on a busy machine; createStateTable then polls on its clock.
      // Poll on a clock of its own, moved to each due poll, so the test's clock never moves for it.
      const tableClock = new VirtualClock(clock.nowMs());
      let done = false;
      const created = createStateTable({ ...ctx, clock: tableClock }).finally(() => (done = true));
      while (!done) {
        await new Promise((resolve) => setImmediate(resolve));
        const due = tableClock.nextTimerAt();
        if (!done && due !== undefined) tableClock.set(due);
      }
      await created;
      return ctx;
    },
    async close() {
      for (const c of made) c.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
