/** What the simulated account still holds for a fleet: every live resource tagged for it (or hanging off one). */
import type { SimState } from '../../src/sim/state';

function taggedFor(entry: unknown, fleet: string): boolean {
  const tags = (entry as { tags?: unknown }).tags;
  if (Array.isArray(tags)) return tags.some((t: { key: string; value: string }) => t.key === 'drover:fleet' && t.value === fleet);
  return !!tags && (tags as Record<string, string>)['drover:fleet'] === fleet;
}

/** Every live resource of the simulated account tagged for the fleet (or hanging off one), as `kind/id`. */
export function fleetLeftovers(state: SimState, fleet: string): string[] {
  const live = (kind: string, rec: Record<string, unknown>, alive: (e: any) => boolean = () => true) =>
    Object.entries(rec)
      .filter(([, e]) => taggedFor(e, fleet) && alive(e))
      .map(([id]) => `${kind}/${id}`);
  const fsIds = new Set(Object.values(state.fileSystems).filter((f) => taggedFor(f, fleet)).map((f: any) => f.id));
  return [
    ...live('instance', state.instances, (i) => !['terminated', 'shutting-down'].includes(i.state)),
    ...live('launchTemplate', state.launchTemplates),
    ...live('group', state.groups),
    ...live('loadBalancer', state.loadBalancers),
    ...live('elbv2LoadBalancer', state.elbv2?.loadBalancers ?? {}),
    ...live('listener', state.elbv2?.listeners ?? {}),
    ...live('targetGroup', state.elbv2?.targetGroups ?? {}),
    ...live('alarm', state.alarms),
    ...live('fileSystem', state.fileSystems, (f) => f.lifeCycleState !== 'deleted'),
    ...live('securityGroup', state.securityGroups),
    ...Object.values(state.mountTargets).filter((m: any) => fsIds.has(m.fileSystemId) && m.lifeCycleState !== 'deleted').map((m: any) => `mountTarget/${m.id}`),
    ...Object.keys(state.hooks).filter((k) => k.startsWith(`${fleet}-`)).map((k) => `hook/${k}`),
    ...Object.keys(state.policies).filter((k) => k.includes(`${fleet}-`)).map((k) => `policy/${k}`),
  ];
}
