/** Conversions between drover's tag records and the SDK's tag lists. */
import type { Tags } from '../model/observed';
import { ownershipTags } from '../model/names';
import type { SdkTag } from './types';

export function tagsFromList(list: readonly SdkTag[] | undefined): Tags {
  const out: Tags = {};
  for (const t of list ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

export function tagList(tags: Tags): Array<{ Key: string; Value: string }> {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** Ownership tags plus `Name` (and any extras), as an SDK list. */
export function ownedTagList(fleet: string, name?: string, extra: Tags = {}): Array<{ Key: string; Value: string }> {
  return tagList({ ...ownershipTags(fleet), ...(name ? { Name: name } : {}), ...extra });
}
