/**
 * Naming and ownership conventions. Tags are the ground truth of ownership; names are
 * derived so that a human can find things in the console.
 */

export const TAG_FLEET = 'drover:fleet';
export const TAG_MANAGED_BY = 'drover:managed-by';
export const MANAGED_BY = 'drover';
/** Blue/green generation of an Auto Scaling group (`1`, `2`, …). */
export const TAG_GENERATION = 'drover:generation';
/** What a resource is for: `builder` for bake instances; `web` for fleet instances. */
export const TAG_ROLE = 'drover:role';
export const TAG_COMMIT = 'drover:commit';
export const TAG_REPOSITORY = 'drover:repository';
export const TAG_BRANCH = 'drover:branch';
export const TAG_BAKED_AT = 'drover:baked-at';
/** On a green group an aborted canary kept for inspection (`onAbort: keep`): not a swap to resume. */
export const TAG_KEPT = 'drover:kept';

export function ownershipTags(fleet: string): Record<string, string> {
  return { [TAG_FLEET]: fleet, [TAG_MANAGED_BY]: MANAGED_BY };
}

/** True when tags say drover manages this resource for `fleet`. */
export function isOwnedBy(tags: Record<string, string> | undefined, fleet: string): boolean {
  return !!tags && tags[TAG_FLEET] === fleet && tags[TAG_MANAGED_BY] === MANAGED_BY;
}

export interface FleetResourceNames {
  launchTemplate: string;
  efsSecurityGroup: string;
  efsCreationToken: string;
  scaleOutPolicy: string;
  scaleInPolicy: string;
  scaleOutAlarm: string;
  scaleInAlarm: string;
  /** Alarm names start with this; observe lists alarms by it. */
  alarmPrefix: string;
}

export function resourceNames(fleet: string): FleetResourceNames {
  return {
    launchTemplate: `drover-${fleet}`,
    efsSecurityGroup: `drover-${fleet}-efs`,
    efsCreationToken: `drover-${fleet}`,
    scaleOutPolicy: `${fleet}-scale-out`,
    scaleInPolicy: `${fleet}-scale-in`,
    scaleOutAlarm: `${fleet}-cpu-high`,
    scaleInAlarm: `${fleet}-cpu-low`,
    alarmPrefix: `${fleet}-`,
  };
}

/** Versioned Auto Scaling group name: `magento-marketplace-v007`. */
export function groupName(fleet: string, generation: number): string {
  return `${fleet}-v${String(generation).padStart(3, '0')}`;
}

/** Parse the generation out of a group name, or undefined. */
export function parseGroupGeneration(fleet: string, name: string): number | undefined {
  // Routing asks this of every fleet for every lifecycle event: a prefix test, no RegExp built per call.
  const prefix = `${fleet}-v`;
  if (!name.startsWith(prefix)) return undefined;
  const digits = name.slice(prefix.length);
  return /^\d{3,}$/.test(digits) ? Number(digits) : undefined;
}
