import fc from 'fast-check';
import { convergedWorld, desiredFleet } from '../../test/support/planner/fixtures';
import { plan } from './plan';
import type { PlanStep } from '../model/plan';

describe('plan: desired capacity belongs to the autoscaler', () => {
  it('leaves any desired inside min..max alone and clamps anything outside', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 40 }), (a, b, current) => {
        const [min, max] = a <= b ? [a, b] : [b, a];
        const d = desiredFleet({ capacity: { min, max, desired: min } });
        const o = convergedWorld(d);
        o.groups[0].desired = current;
        const steps = plan(d, o).steps;
        if (current >= min && current <= max) {
          expect(steps).toEqual([]);
        } else {
          expect(steps).toHaveLength(1);
          expect(steps[0].kind).toBe('updateAutoScalingGroup');
          expect((steps[0] as PlanStep<'updateAutoScalingGroup'>).params.desired).toBe(Math.min(max, Math.max(min, current)));
        }
      }),
    );
  });
});
