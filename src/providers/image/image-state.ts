/** EC2's image `State`, parsed once where observed into the model's ImageState. */
import type { ImageState } from '../../model/observed';

/** pending and available as they are; any other state (failed, invalid, error, deregistered, ...) is failed; none is missing. */
export function parseImageState(state: string | undefined): ImageState {
  if (!state) return 'missing';
  if (state === 'available' || state === 'pending') return state;
  return 'failed';
}
