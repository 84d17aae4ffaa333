/** `drover rollout history <fleet>`, like kubectl: oldest first, one line per deployment. */
import type { DeploymentStatus } from '../model/fleet-status';
import { isoSeconds, NONE, shortCommit } from './format';
import { renderTable, type Column } from './table';

export interface HistoryOptions {
  noHeaders?: boolean;
  color?: boolean;
}

/**
 * The REVISION of each rollout (bakes have none): a swap's or a canary's generation, the number of
 * the group it made. A fleet whose rollouts make no group (rolling: one group refreshed in place)
 * counts them instead, its creation being revision 1, so `rollout undo --to-revision` works there too.
 */
export function revisionOf(history: readonly DeploymentStatus[]): (d: DeploymentStatus) => number | undefined {
  const rollouts = [...history].reverse().filter((d) => d.kind !== 'bake');
  if (rollouts.some((d) => d.generation !== undefined)) return (d) => d.generation;
  const counted = new Map(rollouts.map((d, i) => [d, i + 2]));
  return (d) => counted.get(d);
}

const columns = (revision: (d: DeploymentStatus) => number | undefined): Column<DeploymentStatus>[] => [
  { header: 'REVISION', value: (d) => String(revision(d) ?? NONE) },
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
  return renderTable(rows, columns(revisionOf(history)), { noHeaders: opts.noHeaders, color: opts.color });
}
