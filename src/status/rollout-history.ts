/** `drover rollout history <fleet>`, like kubectl: oldest first, one line per deployment. */
import type { DeploymentStatus } from '../model/fleet-status';
import { isoSeconds, NONE, shortCommit } from './format';
import { renderTable, type Column } from './table';

export interface HistoryOptions {
  noHeaders?: boolean;
  color?: boolean;
}

const COLUMNS: Column<DeploymentStatus>[] = [
  { header: 'REVISION', value: (d) => (d.generation === undefined ? NONE : String(d.generation)) },
  { header: 'KIND', value: (d) => d.kind },
  { header: 'AMI', value: (d) => d.toAmi ?? NONE },
  { header: 'COMMIT', value: (d) => shortCommit(d.commit) },
  { header: 'TIME', value: (d) => isoSeconds(d.startedAt) },
  { header: 'RESULT', value: (d) => d.result, style: 'status' },
  { header: 'REASON', value: (d) => d.reason ?? '' },
];

/** `history` is newest first, as FleetStatus keeps it; the table reads oldest first. */
export function renderRolloutHistory(history: DeploymentStatus[], opts: HistoryOptions = {}): string {
  if (!history.length) return 'No rollout history found.\n';
  const rows = [...history].reverse();
  return renderTable(rows, COLUMNS, { noHeaders: opts.noHeaders, color: opts.color });
}
