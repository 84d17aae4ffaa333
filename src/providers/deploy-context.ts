/** What every deploy port needs: the call context, the fleet it deploys and the injected clock. */
import type { DesiredFleet } from '../model/fleet';
import type { Clock } from '../util/clock';
import type { ApplyContext } from './apply-context';
import type { FleetCallContext } from '../aws/call';
import { CloudError } from '../aws/errors';

/** `call(ctx, what, fn)` (src/aws/call) takes it as is: calls name the fleet it deploys. */
export interface DeployPortsContext extends FleetCallContext {
  fleet: DesiredFleet;
  clock: Clock;
  /** A daemon answers lifecycle hooks: groups a deployment creates carry them from birth. */
  lifecycleHooks?: boolean;
}

/** The adapter's apply context, so deploy ports reuse its handlers. */
export function applyContext(ctx: DeployPortsContext): ApplyContext {
  return { logger: ctx.logger, sleep: ctx.sleep, fleet: ctx.fleet.name };
}

/** A CloudError raised by drover itself (not by AWS), classified for the machines' retry guard. */
export function deployError(ctx: DeployPortsContext, what: string, cause: string, errorClass: CloudError['errorClass']): CloudError {
  return new CloudError(`${what} for fleet ${ctx.fleet.name}: ${cause}`, { errorClass });
}
