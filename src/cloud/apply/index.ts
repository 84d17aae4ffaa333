export { applyPlan, applyStep, type ApplyResult, type AppliedStep } from './apply-step';
export type { ApplyContext, StepOutcome } from './context';
export { validateImage } from './launch-template';
