/** `-o json` / `-o yaml`: the FleetStatusList shape (or one FleetStatus for describe), stable and documented. */
import { stringify } from 'yaml';
import type { FleetStatus, FleetStatusList } from '../model/fleet-status';

export function toJson(value: FleetStatusList | FleetStatus): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function toYaml(value: FleetStatusList | FleetStatus): string {
  return stringify(value, { lineWidth: 0 });
}
