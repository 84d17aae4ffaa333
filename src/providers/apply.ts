export { applyPlan, applyStep, type ApplyResult, type AppliedStep } from './fleet/apply-step';
export type { ApplyContext, StepOutcome } from './apply-context';
export { validateImage } from './launchtemplate/apply';
