/**
 * Every AWS call goes through `call` (fleet context) or `awsCall`: throttling and server faults are retried with
 * exponential backoff and jitter, sleeping on the injected clock; the final error becomes a
 * CloudError with drover's gerund context.
 */
import type { Logger } from '../log/logger';
import { EVENTS } from '../log/events';
import { classifyAwsError, awsErrorCode, isNotFound, isTransient, toCloudError } from './errors';

export interface RetryPolicy {
  baseMs: number;
  capMs: number;
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 200, capMs: 20_000, maxAttempts: 8 };

export interface CallContext {
  logger: Logger;
  /** Sleep on the injected clock (virtual time in the sim). */
  sleep: (ms: number) => Promise<void>;
  retry?: Partial<RetryPolicy>;
  /** Jitter source in [0, 1); Math.random when absent. */
  random?: () => number;
}

/** Delay before retry number `attempt` (1-based): half fixed, half jittered, capped. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Run one AWS call. `context` is the gerund phrase for errors and logs:
 * `creating load balancer magento-elb for fleet magento-marketplace`.
 */
export async function awsCall<T>(ctx: CallContext, context: string, fn: () => Promise<T>): Promise<T> {
  const policy = { ...DEFAULT_RETRY, ...ctx.retry };
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isTransient(err) || attempt >= policy.maxAttempts) throw toCloudError(context, err);
      const delayMs = backoffDelay(attempt, policy, ctx.random);
      ctx.logger.warn(
        { event: EVENTS.awsRetry, attempt, delayMs, code: awsErrorCode(err), errorClass: classifyAwsError(err), context },
        `retrying after ${delayMs} ms: ${context}`,
      );
      await ctx.sleep(delayMs);
    }
  }
}

/** What `call` needs: the retry context, and the fleet the call is for (named in every error and log). */
export interface FleetCallContext extends CallContext {
  fleet: string | { name: string };
  /** Runs before every attempt (observe counts its reads with it). */
  onAttempt?: () => void;
}

/**
 * drover's one call wrapper: `awsCall` with the fleet appended to the gerund context
 * (`creating load balancer web for fleet shop`); retries throttling and server faults.
 */
export function call<T>(ctx: FleetCallContext, what: string, fn: () => Promise<T>): Promise<T> {
  return awsCall(ctx, `${what} for fleet ${fleetName(ctx)}`, () => {
    ctx.onAttempt?.();
    return fn();
  });
}

export function fleetName(ctx: FleetCallContext): string {
  return typeof ctx.fleet === 'string' ? ctx.fleet : ctx.fleet.name;
}

/** The same call, but a notFound answer resolves to undefined (absence is a fact, not a failure). */
export async function callOrMissing<T>(ctx: FleetCallContext, what: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call(ctx, what, fn);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
