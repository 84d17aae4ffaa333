/** EFS's LifeCycleState text, parsed once where observed into the model's StorageLifecycle. */
import type { StorageLifecycle } from '../../model/observed';

const KNOWN: StorageLifecycle[] = ['creating', 'available', 'updating', 'deleting', 'deleted', 'error'];

export function parseStorageLifecycle(state: string | undefined): StorageLifecycle {
  return KNOWN.find((k) => k === state) ?? 'error';
}
