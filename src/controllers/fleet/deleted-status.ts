/** After `drover delete fleet`: the fleet's status says it is deleted, not what it last was. */
import { appendEvent, derivePhase } from '../../model/fleet-status';
import { setCondition } from '../../model/status';
import type { StatusStore } from '../../status/status-store';

export async function markDeleted(store: StatusStore, fleet: string, now: Date): Promise<void> {
  await store.update(fleet, (prev) => {
  if (!prev) return undefined;
  const at = now.toISOString();
  const message = `fleet ${fleet} is deleted: nothing drover owns for it is left`;
  let conditions = setCondition(prev.conditions, { type: 'Ready', status: 'True', reason: 'Deleted', message }, now);
  conditions = setCondition(conditions, { type: 'Progressing', status: 'False', reason: 'Deleted', message }, now);
  conditions = setCondition(conditions, { type: 'Degraded', status: 'False', reason: 'AsExpected', message: 'no failures' }, now);
  conditions = conditions.filter((c) => c.type !== 'Orphaned');
  const ready = { inService: 0, desired: 0 };
  return appendEvent({ ...prev, conditions, phase: derivePhase(conditions), ready, updatedAt: at }, { type: 'Normal', reason: 'Deleted', message, at, fleet });
  });
}
