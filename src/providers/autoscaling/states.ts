/** Auto Scaling's status text, parsed once where observed into the model's typed states. */
import type { GroupLifecycle, InstanceLifecycle } from '../../model/observed';

/** A group's `Status` (unset, or "Delete in progress" while AWS deletes it). */
export function parseGroupLifecycle(status: string | undefined): GroupLifecycle {
  return /delete/i.test(status ?? '') ? 'deleting' : 'active';
}

/** An instance's `LifecycleState` (Pending, Pending:Wait, InService, Terminating:Wait, Terminated, Standby, ...). */
export function parseInstanceLifecycle(state: string | undefined): InstanceLifecycle {
  const s = state ?? '';
  if (s === 'InService') return 'inService';
  if (s.startsWith('Pending')) return 'pending';
  if (s === 'Terminated') return 'terminated';
  if (s.startsWith('Terminating')) return 'terminating';
  return 'other';
}
