/** What every apply handler needs, and what it reports back. */
import type { Tags } from '../model/observed';
import { isOwnedBy } from '../model/names';
import type { FleetCallContext } from '../aws/call';
import type { AwsPort } from '../aws/port';
import { CloudError, isAlreadyExists, isNotFound } from '../aws/errors';
import { tagsFromList } from '../aws/tags';

export interface ApplyContext extends FleetCallContext {
  /** The fleet the plan belongs to (for error context and tags). */
  fleet: string;
}

export type StepOutcome =
  | { status: 'done'; detail?: Record<string, unknown> }
  /** AWS needs time first (a file system still creating, a dependency still in use). */
  | { status: 'waiting'; reason: string; retryAfterMs: number };

/** Runs one kind of plan step; `P` is that kind's params (model/plan-params.ts). */
export type StepHandler<P = unknown> = (clients: AwsPort, params: P, ctx: ApplyContext) => Promise<StepOutcome>;

export const DONE: StepOutcome = { status: 'done' };

export function waiting(reason: string, retryAfterMs = 10_000): StepOutcome {
  return { status: 'waiting', reason, retryAfterMs };
}

/** Run a call; a notFound answer means the goal (absence) is reached. */
export async function tolerateNotFound(fn: () => Promise<unknown>): Promise<StepOutcome> {
  try {
    await fn();
  } catch (err) {
    if (!(err instanceof CloudError && err.errorClass === 'notFound')) throw err;
  }
  return DONE;
}

/**
 * Create something; if AWS says it already exists, it counts as created only when its tags
 * say it is ours (an earlier attempt that died before reporting back).
 */
/** The tags of a looked-up resource, or undefined when the lookup did not find it (absent or not visible yet). */
export function tagsIfFound(resource: { Tags?: Array<{ Key?: string; Value?: string }> } | undefined): Tags | undefined {
  return resource ? tagsFromList(resource.Tags) : undefined;
}

export async function createOwned(
  ctx: ApplyContext,
  what: string,
  create: () => Promise<StepOutcome>,
  lookupTags: () => Promise<Tags | undefined>,
): Promise<StepOutcome> {
  try {
    return await create();
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    let tags: Tags | undefined;
    try {
      tags = await lookupTags();
    } catch (lookupErr) {
      // AWS says it exists but will not show it yet (eventual consistency): look again shortly.
      if (isNotFound(lookupErr)) return waiting(`${what}: it already exists but is not visible yet`, 5_000);
      throw lookupErr;
    }
    if (tags === undefined) return waiting(`${what}: it already exists but is not visible yet`, 5_000);
    if (isOwnedBy(tags, ctx.fleet)) return DONE;
    throw new CloudError(`${what} for fleet ${ctx.fleet}: the name is taken by a resource without drover's tags`, {
      errorClass: 'alreadyExists',
      awsCode: (err as CloudError).awsCode,
      cause: err,
    });
  }
}
