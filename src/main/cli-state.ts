/**
 * The CLI's one composition point for durable state (issue 13): `--state URL`, else
 * `DROVER_STATE`, else the local state directory (`--state-dir`). `dynamodb://TABLE` reads and
 * writes the shared table directly, no daemon needed (AWS_ENDPOINT_URL_DYNAMODB honoured); the
 * DynamoDB modules load only then, so `drover get` on a directory starts as fast as before.
 */
import { nullLogger } from '../log/logger';
import { StateUrlError } from '../state/errors';
import { openState, type OpenedState } from '../state/open';
import { resolveStateLocation, type StateLocation } from '../state/url';
import { SystemClock } from '../util/clock';
import { UsageError, type CommandContext } from './cli-support';

/** Where state lives for this command; a malformed `--state`/`DROVER_STATE` is a usage error naming it. */
export function stateLocation(ctx: CommandContext, flag = ctx.global.state, env: NodeJS.ProcessEnv = process.env): StateLocation | undefined {
  try {
    return resolveStateLocation(flag, env);
  } catch (err) {
    if (err instanceof StateUrlError) throw new UsageError(err.message);
    throw err;
  }
}

/** True when this command's state is a shared table rather than the local directory. */
export function sharedState(ctx: CommandContext, flag?: string): boolean {
  return stateLocation(ctx, flag)?.kind === 'dynamodb';
}

/** The StateStore (and its ownership and init) this command works on. */
export function openCliState(ctx: CommandContext, flag?: string): OpenedState {
  const location = stateLocation(ctx, flag);
  const dir = location?.kind === 'dir' ? location.dir : ctx.stateDir;
  // A directory store never logs: pino is not loaded for it (get/describe start fast).
  return openState(location, { stateDir: dir, clock: new SystemClock(), logger: location?.kind === 'dynamodb' ? ctx.logger : nullLogger });
}
