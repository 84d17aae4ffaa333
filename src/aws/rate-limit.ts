/**
 * Hold every AWS call under the account budget: a middleware at the `initialize` step takes
 * a token from the shared AwsRateBudget (reads and mutations have separate buckets) before the
 * call goes on. It sits right inside the call recorder, so it also runs before the simulated
 * account's middleware and the sim sees the same pacing AWS would. Waiting is on the clock.
 * SQS data-plane calls (receive, delete, visibility) spend no token: SQS meters them per queue at
 * a nearly unlimited rate, and the intake must not wait behind (or starve) control-plane calls.
 */
import { CALL_RECORDER_NAME, wireAwsClients } from './clients';
import type { AwsPort } from './port';
import { isReadOnlyCommand } from './commands';
import type { AwsRateBudget } from '../util/token-bucket';

export const RATE_LIMIT_NAME = 'droverRateBudget';

/** SQS message operations, outside the control-plane budget. */
export const SQS_DATA_PLANE = new Set(['ReceiveMessage', 'DeleteMessage', 'DeleteMessageBatch', 'ChangeMessageVisibility', 'ChangeMessageVisibilityBatch', 'SendMessage']);

function rateMiddleware(budget: AwsRateBudget) {
  return (next: (args: any) => Promise<any>, context: { commandName?: string }) =>
    async (args: any) => {
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      if (SQS_DATA_PLANE.has(operation)) return next(args);
      await budget.take(isReadOnlyCommand(operation) ? 'read' : 'mutate', args?.request?.abortSignal);
      return next(args);
    };
}

/** Put every client of `port` (built now or later) under `budget`. Idempotent (the middleware is named). */
export function limitAwsCalls(port: AwsPort, budget: AwsRateBudget): void {
  wireAwsClients(port, RATE_LIMIT_NAME, (stack) => {
    stack.remove?.(RATE_LIMIT_NAME);
    stack.addRelativeTo(rateMiddleware(budget), { relation: 'after', toMiddleware: CALL_RECORDER_NAME, name: RATE_LIMIT_NAME });
  });
}
