import type { DesiredFleet } from '../model/fleet';
import { ownershipTags } from '../model/names';
import type { ObservedFleet, ObservedImage } from '../model/observed';
import { convergedWorld, desiredFleet } from '../../test/support/planner/fixtures';
import { plan } from './plan';
import { imageRetention, planImages } from './plan-images';
import { assessReadiness } from './readiness';

/** `ami-…0N`, baked N hours after midnight (so a bigger N is newer). */
const id = (n: number) => `ami-0b00000000000000${String(n).padStart(2, '0')}`;
function image(n: number, extra: Partial<ObservedImage> = {}): ObservedImage {
  return {
    id: id(n),
    name: `magento-marketplace-${n}`,
    state: 'available',
    createdAt: new Date(Date.UTC(2026, 0, 1, n)).toISOString(),
    snapshotIds: [`snap-0c000000000000${String(n).padStart(3, '0')}`],
    tags: ownershipTags('magento-marketplace'),
    ...extra,
  };
}

const bake = { baseAmi: 'ami-0base00000000000a', repository: 'git@x:y.git', branch: 'master', buildScript: 'make', builderInstanceType: 'c5.xlarge', timeoutSeconds: 1800, from: 'base' as const };

/** A converged fleet serving image `serving` (a baked one), with `images` observed. */
function world(serving: number, images: ObservedImage[], retain?: number): { d: DesiredFleet; o: ObservedFleet } {
  const d = desiredFleet({ image: { ami: id(serving), bake, ...(retain !== undefined ? { retain } : {}) } });
  return { d, o: { ...convergedWorld(d), images } };
}

const expired = (d: DesiredFleet, o: ObservedFleet) => planImages(d, o).map((s) => s.params.imageId);

describe('planImages: which baked images go', () => {
  const six = [1, 2, 3, 4, 5, 6].map((n) => image(n));
  it.each([
    // [case, serving, retain, images, expired (oldest first)]
    ['within retention', 6, 3, six.slice(3), []],
    ['serving and rollback target among the newest 3', 6, 3, six, [1, 2, 3]],
    ['newest 2 + serving + rollback target of an older serving image', 3, 2, six, [1, 4]],
    ['default retain is 3', 6, undefined, six, [1, 2, 3]],
    ['retain below 1 still keeps the newest', 6, 0, six, [1, 2, 3, 4]],
  ])('%s', (_case, serving, retain, images, want) => {
    const { d, o } = world(serving as number, images as ObservedImage[], retain as number | undefined);
    expect(expired(d, o)).toEqual((want as number[]).map(id));
  });

  it('keeps images a launch template version, a group or an instance uses, and pending ones', () => {
    const { d, o } = world(6, [image(1, { usedBy: ['instance/i-0123456789abcdef0'] }), image(2, { state: 'pending' }), image(3), image(4), ...[5, 6].map((n) => image(n))], 1);
    o.launchTemplate = { ...o.launchTemplate!, versionImages: { ...o.launchTemplate!.versionImages, '4': id(4) } };
    expect(expired(d, o)).toEqual([id(3)]);
    expect(imageRetention(d, o).inUse).toEqual(expect.arrayContaining([id(1), id(4), id(6)]));
  });

  it('keeps the manifest AMI (a finished bake not deployed yet)', () => {
    const { d, o } = world(4, [1, 2, 3, 4, 5].map((n) => image(n)), 1);
    // The group still serves 4; the manifest already asks for 1 (a rollback being rolled out).
    d.image.ami = id(1);
    o.launchTemplate = { ...o.launchTemplate!, imageId: id(4), versionImages: { '1': id(4) } };
    expect(expired(d, o)).toEqual([id(2)]);
  });

  it('plans nothing when images were not observed', () => {
    const { d } = world(1, []);
    expect(planImages(d, convergedWorld(d))).toEqual([]);
  });

  it('plans deregisterImage steps with the snapshots, last, and they do not hold Ready back', () => {
    const { d, o } = world(6, six, 3);
    const p = plan(d, o);
    expect(p.steps.map((s) => `${s.kind} ${s.resource}`)).toEqual([1, 2, 3].map((n) => `deregisterImage image/${id(n)}`));
    expect(p.steps[0].params).toEqual({ imageId: id(1), imageName: 'magento-marketplace-1', snapshotIds: ['snap-0c000000000000001'] });
    expect(p.steps[0].reason).toMatch(/newest 3 image/);
    const ready = assessReadiness(d, { ...o, loadBalancer: { ...o.loadBalancer! } }, p);
    expect(ready.reason).not.toBe('Converging');
  });
});
