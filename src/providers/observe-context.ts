/** What every observe function needs: the call context, a read counter and the ownership cache. */
import type { Tags } from '../model/observed';
import { awsCall, type CallContext } from '../aws/call';

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

  /** Forget cached tags whose key starts with `prefix` unless still `alive`. */
  prune(prefix: string, alive: Set<string>): void {
    for (const key of this.tags.keys()) if (key.startsWith(prefix) && !alive.has(key)) this.tags.delete(key);
  }
}

export interface ObserveContext extends CallContext {
  cache: OwnershipCache;
  /** Also read each group's lifecycle hooks (the daemon manages them; one-shot commands do not). */
  lifecycleHooks?: boolean;
  /** The fleet is being deleted (`drover delete fleet`): its baked images are listed even without `image.bake`. */
  deleting?: boolean;
}

/** Counts the read calls of one observation. */
export class Reader {
  count = 0;
  constructor(
    readonly ctx: ObserveContext,
    readonly fleet: string,
  ) {}

  call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return awsCall(this.ctx, `${what} for fleet ${this.fleet}`, () => {
      this.count++;
      return fn();
    });
  }
}
