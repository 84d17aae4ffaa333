/**
 * Write-ahead for deploy steps: an invoked actor touches the world only after the snapshot
 * that invoked it is saved. So after a crash the world is at most one step ahead of the
 * saved snapshot, and that step is idempotent. A persisted actor registers the barrier on
 * its actor system; machines run outside one simply do not wait.
 */
const barriers = new WeakMap<object, () => Promise<void>>();

export function setPersistenceBarrier(system: object, waitForSaves: () => Promise<void>): void {
  barriers.set(system, waitForSaves);
}

/** Resolves once every snapshot emitted so far is saved; rejects if the actor was stopped meanwhile. */
export async function afterPersisted(system: object, signal?: AbortSignal): Promise<void> {
  // Let the transition that started this actor finish, so its snapshot is queued for saving.
  await null;
  await barriers.get(system)?.();
  if (signal?.aborted) throw new Error('running deploy step: the deployment was stopped');
}
