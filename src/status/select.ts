/** Picking fleets and their deployments out of a FleetStatusList, the same way for every renderer. */
import type { DeploymentStatus, FleetStatus, FleetStatusList } from '../model/fleet-status';

/** Code-unit order: the same on every machine, unlike localeCompare. */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The fleets to show, sorted by name like kubectl; only `fleet` when given. */
export function selectFleets(list: FleetStatusList, fleet?: string): FleetStatus[] {
  const items = fleet === undefined ? list.items : list.items.filter((f) => f.name === fleet);
  return [...items].sort((a, b) => byText(a.name, b.name));
}

/** Whether a FLEET column is needed: no fleet was named and rows may come from several. */
export function showFleetColumn(list: FleetStatusList, fleet?: string): boolean {
  return fleet === undefined && list.items.length > 1;
}

/** The current deployment and the history, newest first, without duplicates by id. */
export function fleetDeployments(status: FleetStatus): DeploymentStatus[] {
  const all = status.deployment ? [status.deployment, ...status.history] : status.history;
  const seen = new Set<string>();
  return all.filter((d) => (seen.has(d.id) ? false : (seen.add(d.id), true)));
}
