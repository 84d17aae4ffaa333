/** Small constructors shared by the sub-planners. */
import type { PlanStep, PlanStepKind } from '../model/plan';
import type { PlanStepParams } from '../model/plan-params';

/** A step of `kind`; `params` must be what that kind's apply handler reads. */
export function step<K extends PlanStepKind>(kind: K, resource: string, reason: string, params: PlanStepParams[K]): PlanStep<K> {
  return { kind, resource, reason, params } as PlanStep<K>;
}

/** A field drift, phrased `max size is 12, manifest says 10`. */
export function drift(field: string, observed: unknown, desired: unknown): string {
  return `${field} is ${show(observed)}, manifest says ${show(desired)}`;
}

export function show(v: unknown): string {
  if (v === undefined || v === '') return 'unset';
  if (Array.isArray(v)) return v.length ? v.join(',') : 'none';
  return String(v);
}

export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

export function nameTaken(resourceType: string, resource: string, name: string): PlanStep {
  return step('nameTaken', resource, `${resourceType} name ${name} is taken by a resource without drover's tags`, {
    resourceType,
    name,
  });
}

/** Steps a sub-planner wants: creations and updates in dependency order, deletions in reverse. */
export interface PartialPlan {
  ensure: PlanStep[];
  remove: PlanStep[];
}
