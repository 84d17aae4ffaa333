/**
 * One call to the state table: throttling and server faults retried by awsCall (on the injected
 * clock), a missing table turned into the one StateTableMissing error naming `drover state
 * init`, and a failed condition reported as `false` so callers can tell why it failed.
 */
import type { StateTableApi } from '../../aws/dynamodb';
import { awsCall, type RetryPolicy } from '../../aws/call';
import { CloudError } from '../../aws/errors';
import type { Logger } from '../../log/logger';
import type { Clock } from '../../util/clock';
import { StateTableMissing } from '../errors';

export interface TableContext {
  client: StateTableApi;
  table: string;
  clock: Clock;
  logger: Logger;
  retry?: Partial<RetryPolicy>;
  random?: () => number;
  /** For messages: where the table was looked for. */
  region?: string;
  endpoint?: string;
}

export class ConditionFailed extends Error {}

const CONDITION_FAILED = 'ConditionalCheckFailedException';

/** `send` runs the command; a failed condition throws ConditionFailed. */
export async function tableCall<T>(ctx: TableContext, context: string, send: () => Promise<T>): Promise<T> {
  try {
    return await awsCall({ logger: ctx.logger, sleep: (ms) => ctx.clock.sleep(ms), retry: ctx.retry, random: ctx.random }, context, send);
  } catch (err) {
    if (err instanceof CloudError && err.awsCode === CONDITION_FAILED) throw new ConditionFailed(context);
    if (err instanceof CloudError && err.awsCode === 'ResourceNotFoundException') throw new StateTableMissing(ctx.table, where(ctx), err);
    throw err;
  }
}

/** ` (region eu-west-1, endpoint http://…)` for the missing-table message. */
function where(ctx: TableContext): string {
  const parts = [ctx.region ? `region ${ctx.region}` : '', ctx.endpoint ? `endpoint ${ctx.endpoint}` : ''].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
