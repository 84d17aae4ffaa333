/**
 * The soak's image-retention check, computed from the simulated account alone: per fleet, the
 * images drover baked beyond what `spec.image.retain` (the soak's manifests use the default)
 * keeps, namely the newest N, the serving image, the rollback target (the newest image
 * created before the serving one), and any image a launch template version or a live instance
 * refers to. Pending images are still being made and are not counted. Must be 0 at the end.
 */
import { isOwnedBy } from '../model/names';
import { DEFAULT_IMAGE_RETAIN } from '../model/fleet';
import type { SimAccount } from '../sim';
import type { SoakFleet } from './fleets';

type SimSnapshot = ReturnType<SimAccount['snapshot']>;

export interface RetentionCount {
  count: number;
  /** One line per image beyond retention. */
  details: string[];
}

export function imagesBeyondRetention(sim: SimAccount, fleets: SoakFleet[], retain = DEFAULT_IMAGE_RETAIN): RetentionCount {
  const state = sim.snapshot();
  const used = usedImages(state);
  const details: string[] = [];
  for (const f of fleets) {
    const owned = Object.values(state.images)
      .filter((i) => isOwnedBy(i.tags, f.name))
      .sort((a, b) => b.createdAt - a.createdAt);
    const serving = servingImages(state, f.name);
    const keep = new Set([...owned.slice(0, retain).map((i) => i.id), ...serving]);
    for (const s of serving) {
      const at = state.images[s]?.createdAt;
      const target = at === undefined ? undefined : owned.find((i) => !serving.has(i.id) && i.createdAt < at);
      if (target) keep.add(target.id);
    }
    for (const i of owned) {
      if (i.state === 'pending' || keep.has(i.id) || used.has(i.id)) continue;
      details.push(`image ${i.id} (${i.name}) of fleet ${f.name} is beyond its retention of ${retain} and nothing uses it`);
    }
  }
  return { count: details.length, details };
}

/** Images any launch template version or any instance that is not terminated refers to. */
function usedImages(state: SimSnapshot): Set<string> {
  const used = new Set<string>();
  for (const lt of Object.values(state.launchTemplates)) for (const v of lt.versions) used.add(String(v.data.ImageId));
  for (const i of Object.values(state.instances)) if (i.state !== 'terminated') used.add(i.imageId);
  return used;
}

/** The images the fleet's live groups launch (the template version each pins). */
function servingImages(state: SimSnapshot, fleet: string): Set<string> {
  const out = new Set<string>();
  for (const g of Object.values(state.groups)) {
    if (g.deleting || !g.tags.some((t) => t.key === 'drover:fleet' && t.value === fleet)) continue;
    const lt = state.launchTemplates[g.launchTemplate.id] ?? Object.values(state.launchTemplates).find((t) => t.name === g.launchTemplate.name);
    if (!lt) continue;
    const v = g.launchTemplate.version;
    const n = v === '$Latest' ? lt.latestVersion : v === '$Default' ? lt.defaultVersion : Number(v);
    const ami = lt.versions.find((x) => x.number === n)?.data.ImageId;
    if (typeof ami === 'string') out.add(ami);
  }
  return out;
}
