/**
 * A fleet whose manifest disappeared from the daemon's directory is not deleted: it is no
 * longer reconciled and its status says `Orphaned` (condition and event), until it is declared
 * again, deleted with `drover delete fleet`, or committed with `spec.deletion: true`.
 */
import { appendEvent } from '../../model/fleet-status';
import { setCondition } from '../../model/status';
import type { StatusStore } from '../../status/status-store';

export async function markOrphaned(store: StatusStore, fleet: string, dir: string, now: Date): Promise<void> {
  await store.update(fleet, (prev) => {
  if (!prev || prev.conditions.some((c) => c.type === 'Orphaned' && c.status === 'True')) return undefined;
  const message = `no manifest in ${dir} declares fleet ${fleet} any more; it is not reconciled and its resources are left alone (delete them with 'drover delete fleet ${fleet}', or commit its manifest with spec.deletion: true)`;
  const at = now.toISOString();
  const conditions = setCondition(prev.conditions, { type: 'Orphaned', status: 'True', reason: 'ManifestRemoved', message }, now);
  return appendEvent({ ...prev, conditions, updatedAt: at }, { type: 'Warning', reason: 'Orphaned', message, at, fleet });
  });
}

export async function clearOrphaned(store: StatusStore, fleet: string, now: Date): Promise<void> {
  await store.update(fleet, (prev) => {
  if (!prev?.conditions.some((c) => c.type === 'Orphaned' && c.status === 'True')) return undefined;
  const at = now.toISOString();
  const message = `fleet ${fleet} is declared again; reconciling resumes`;
  const conditions = prev.conditions.filter((c) => c.type !== 'Orphaned');
  return appendEvent({ ...prev, conditions, updatedAt: at }, { type: 'Normal', reason: 'Adopted', message, at, fleet });
  });
}
