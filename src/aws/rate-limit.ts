/**
 * Hold every AWS call under the account's rate budgets: a middleware at the `initialize` step
 * takes a token from the bucket of the call's service and class of action (rate-table.ts) before
 * the call goes on, at the priority of its async context (deployments first, resync last), and
 * tells the budget how the call ended (a throttle halves that bucket's rate; successes creep it
 * back). It sits right inside the call recorder, so it also runs before the simulated account's
 * middleware and the sim sees the same pacing AWS would. Waiting is on the clock.
 * SQS data-plane calls (receive, delete, visibility) spend no token: SQS meters them per queue at
 * a nearly unlimited rate, and the intake must not wait behind (or starve) control-plane calls.
 */
import { CALL_RECORDER_NAME, wireAwsClients } from './clients';
import type { AwsPort } from './port';
import { isThrottled } from './errors';
import type { AwsRateBudgets } from './rate-budgets';
import { rateClass } from './rate-table';
import { currentPriority } from '../util/priority';

export { SQS_DATA_PLANE } from './rate-table';

export const RATE_LIMIT_NAME = 'droverRateBudget';

/** The middleware body: budget, call, feedback. Exported for a port that wires its own stack. */
export function rateMiddleware(budgets: AwsRateBudgets) {
  return (next: (args: any) => Promise<any>, context: { clientName?: string; commandName?: string }) =>
    async (args: any) => {
      const service = (context.clientName ?? 'Unknown').replace(/Client$/, '');
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      const cls = rateClass(service, operation, args?.input);
      if (cls === undefined) return next(args);
      await budgets.take(service, cls, currentPriority(), args?.request?.abortSignal);
      try {
        const out = await next(args);
        budgets.succeeded(service, cls);
        return out;
      } catch (err) {
        if (isThrottled(err)) budgets.throttled(service, cls);
        throw err;
      }
    };
}

/** Put every client of `port` (built now or later) under `budgets`. Idempotent (the middleware is named). */
export function limitAwsCalls(port: AwsPort, budgets: AwsRateBudgets): void {
  wireAwsClients(port, RATE_LIMIT_NAME, (stack) => {
    stack.remove?.(RATE_LIMIT_NAME);
    stack.addRelativeTo(rateMiddleware(budgets), { relation: 'after', toMiddleware: CALL_RECORDER_NAME, name: RATE_LIMIT_NAME });
  });
}
