/**
 * The planner's output: ordered steps, each printable. `apply` executes them in order.
 * `kind` is a camelCase verb phrase. `resource` is `<type>/<name>`.
 */

import type { PlanStepParams } from './plan-params';

/** Every step kind the planner emits (see PlanStepParams for what each carries). */
export type PlanStepKind = keyof PlanStepParams;

/**
 * One step; a union discriminated by `kind`, so `params` has the shape its kind needs.
 * `PlanStep<'startDeployment'>` is one member; `PlanStep` is any of them.
 */
export type PlanStep<K extends PlanStepKind = PlanStepKind> = {
  [P in K]: {
    kind: P;
    /** `<type>/<name>`, e.g. `loadBalancer/magento-marketplace`, `alarm/magento-marketplace-scale-out`. */
    resource: string;
    /** Why this step is needed, for humans: `max size is 12, manifest says 10`. */
    reason: string;
    /** What the step needs to run; JSON-only. */
    params: PlanStepParams[P];
  };
}[K];

/** Kinds that `apply` reports instead of running: they do not mutate AWS in place. */
export type ReportOnlyKind = 'startDeployment' | 'nameTaken';
/** Kinds an apply handler runs. */
export type ApplyKind = Exclude<PlanStepKind, ReportOnlyKind>;

export interface Plan {
  fleet: string;
  steps: PlanStep[];
  /** One-line facts about what the plan leaves alone on purpose (`2 baked images kept; …`). */
  notes?: string[];
}

/** Steps that do not mutate AWS when applied: they are reported instead. */
export function isReportOnly(step: PlanStep): step is PlanStep<ReportOnlyKind> {
  return step.kind === 'startDeployment' || step.kind === 'nameTaken';
}
