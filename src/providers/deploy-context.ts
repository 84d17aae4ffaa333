/** What every deploy port needs: the call context, the fleet it deploys and the injected clock. */
import type { Logger } from '../log/logger';
import type { DesiredFleet } from '../model/fleet';
import type { Clock } from '../util/clock';
import type { ApplyContext } from './apply-context';
import { awsCall } from '../aws/call';
import { CloudError, isNotFound } from '../aws/errors';

export interface DeployPortsContext {
  logger: Logger;
  /** Sleep on the injected clock (retry backoff inside one call). */
  sleep: (ms: number) => Promise<void>;
  fleet: DesiredFleet;
  clock: Clock;
  /** A daemon answers lifecycle hooks: groups a deployment creates carry them from birth. */
  lifecycleHooks?: boolean;
}

/** One AWS call with the fleet appended to its gerund context; retries throttling and server faults. */
export function call<T>(ctx: DeployPortsContext, what: string, fn: () => Promise<T>): Promise<T> {
  return awsCall(ctx, `${what} for fleet ${ctx.fleet.name}`, fn);
}

/** The same call, but a notFound answer resolves to undefined (absence is a fact, not a failure). */
export async function callOrMissing<T>(ctx: DeployPortsContext, what: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call(ctx, what, fn);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** The adapter's apply context, so deploy ports reuse its handlers. */
export function applyContext(ctx: DeployPortsContext): ApplyContext {
  return { logger: ctx.logger, sleep: ctx.sleep, fleet: ctx.fleet.name };
}

/** A CloudError raised by drover itself (not by AWS), classified for the machines' retry guard. */
export function deployError(ctx: DeployPortsContext, what: string, cause: string, errorClass: CloudError['errorClass']): CloudError {
  return new CloudError(`${what} for fleet ${ctx.fleet.name}: ${cause}`, { errorClass });
}

/** Follow `NextToken` to the end: filtered describes may return short or empty pages. */
export async function allPages<P extends { NextToken?: string }, T>(
  fetch: (token: string | undefined) => Promise<P>,
  items: (page: P) => T[] | undefined,
): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token);
    all.push(...(items(page) ?? []));
    token = page.NextToken;
  } while (token);
  return all;
}
