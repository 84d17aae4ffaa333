/**
 * A fleet serving traffic is never scaled to nothing by accident (a copied manifest, a typo,
 * a colliding file): a manifest whose min and desired are 0, for a group that runs instances
 * with a min above 0, would let it go to 0 (scale-in alarms take it down to min). That needs
 * `spec.capacity.allowZero: true` in the manifest, or `--allow-scale-to-zero` on the CLI.
 */
import type { DesiredFleet } from '../model/fleet';
import type { ObservedFleet } from '../model/observed';
import { activeGroup } from './active-group';

/** Why the manifest may not be applied as it stands, or undefined when it may. */
export function scaleToZeroRefusal(desired: DesiredFleet, observed: ObservedFleet): string | undefined {
  if (desired.capacity.desired > 0 || desired.capacity.allowZero) return undefined;
  const active = activeGroup(observed, desired.loadBalancer.name);
  // Already at 0, or already allowed to reach it (min 0 was applied before): nothing changes here.
  if (!active || active.desired === 0 || active.min === 0) return undefined;
  return (
    `refusing to scale fleet ${desired.name} to 0: group ${active.name} runs ${active.desired} instance(s) (min ${active.min}) and ${desired.source.file} ` +
    `says min ${desired.capacity.min}, desired ${desired.capacity.desired}; set spec.capacity.allowZero: true (or pass --allow-scale-to-zero) if that is meant`
  );
}
