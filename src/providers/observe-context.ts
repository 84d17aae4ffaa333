/** What every observe function needs: the call context, a read counter and the ownership cache. */
import type { Tags } from '../model/observed';
import type { CallContext, FleetCallContext } from '../aws/call';
import type { ObservationCache } from './fleet/observation-cache';

/**
 * Facts that do not change for a resource's life, kept by the caller across reconciles so that
 * steady state does not re-read them: tags keyed by a resource identity that changes when the
 * resource is replaced, and the zone of each subnet.
 */
export class OwnershipCache {
  readonly tags = new Map<string, Tags>();
  readonly subnetZones = new Map<string, string>();
  /** EC2 launch time (ISO) of each instance, keyed `fleet/instance-id`: it never changes. */
  readonly launchTimes = new Map<string, string>();
  /** The daemon's resync batches (fleet/observation-cache.ts); absent, every observe reads per fleet. */
  observations?: ObservationCache;

  /** The alive set of each prefix's last prune (a resync over many fleets must not scan every tag per fleet). */
  private readonly pruned = new Map<string, string>();

  /** Forget cached tags whose key starts with `prefix` unless still `alive`. */
  prune(prefix: string, alive: Set<string>): void {
    // Keys are added only while alive; the same alive set as at the last prune leaves nothing to forget.
    const signature = alive.size ? [...alive].sort().join('\n') : undefined;
    if (signature !== undefined && this.pruned.get(prefix) === signature) return;
    for (const key of this.tags.keys()) if (key.startsWith(prefix) && !alive.has(key)) this.tags.delete(key);
    if (signature !== undefined) this.pruned.set(prefix, signature);
    else this.pruned.delete(prefix);
  }
}

export interface ObserveContext extends CallContext {
  cache: OwnershipCache;
  /** Also read each group's lifecycle hooks (the daemon manages them; one-shot commands do not). */
  lifecycleHooks?: boolean;
  /** The fleet is being deleted (`drover delete fleet`): its baked images are listed even without `image.bake`. */
  deleting?: boolean;
}

/** The call context of one fleet's observation: `call(reader, what, fn)` counts its read calls. */
export class Reader implements FleetCallContext {
  count = 0;
  readonly logger: ObserveContext['logger'];
  readonly sleep: ObserveContext['sleep'];
  readonly retry: ObserveContext['retry'];
  readonly random: ObserveContext['random'];
  readonly onAttempt = (): void => {
    this.count++;
  };
  constructor(
    readonly ctx: ObserveContext,
    readonly fleet: string,
  ) {
    this.logger = ctx.logger;
    this.sleep = ctx.sleep;
    this.retry = ctx.retry;
    this.random = ctx.random;
  }
}
