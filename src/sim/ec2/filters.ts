/** EC2-style `Filters` matching, with `tag:Key`, `tag-key`, `tag-value` and `*`/`?` wildcards. */
import { SimCore } from '../core';
import { Tags } from '../state';

export type Filter = { Name?: string; Values?: string[] };
/** Returns the resource's values for a filter name, or undefined when the filter is unsupported. */
export type FilterValues = (name: string) => Array<string | undefined> | undefined;

export function tagFilterValues(tags: Tags, name: string): string[] | undefined {
  if (name.startsWith('tag:')) {
    const key = name.slice(4);
    return key in tags ? [tags[key]] : [];
  }
  if (name === 'tag-key') return Object.keys(tags);
  if (name === 'tag-value') return Object.values(tags);
  return undefined;
}

export function matchesFilters(sim: SimCore, filters: Filter[] | undefined, values: FilterValues): boolean {
  for (const f of filters ?? []) {
    const name = f.Name ?? '';
    const have = values(name);
    if (have === undefined) throw sim.error('EC2', 'InvalidParameterValue', `The filter '${name}' is invalid`);
    const want = f.Values ?? [];
    if (!have.some((h) => h !== undefined && want.some((w) => wildcard(w, h)))) return false;
  }
  return true;
}

function wildcard(pattern: string, value: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === value;
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(value);
}

/** TagSpecifications for one resource type -> tag record. */
export function tagsFromSpecs(specs: Array<{ ResourceType?: string; Tags?: Array<{ Key?: string; Value?: string }> }> | undefined, type: string): Tags {
  const out: Tags = {};
  for (const s of specs ?? []) if (s.ResourceType === type) for (const t of s.Tags ?? []) if (t.Key) out[t.Key] = t.Value ?? '';
  return out;
}
