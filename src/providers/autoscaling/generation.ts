/** Numbering for blue/green generations: one above every group the fleet has, live or being deleted. */
import type { ObservedGroup } from '../../model/observed';

export function nextGeneration(groups: Pick<ObservedGroup, 'generation'>[]): number {
  return groups.reduce((n, g) => Math.max(n, g.generation), 0) + 1;
}
