/**
 * The deploy machines' ports over the real SDK clients: one short, idempotent step per
 * method (check, then act), polls that report `nowMs` from the injected clock, and errors
 * that carry `retryable` from the adapter's classification.
 */
import type { BakePorts, CanaryPorts, RollingPorts, SwapPorts } from '../machines/ports';
import type { AwsPort } from '../../aws/port';
import { createBakePorts } from './bake';
import { createCanaryPorts, type CanaryAnalyzer } from './canary';
import type { DeployPortsContext } from '../../providers/deploy-context';
import { createRollingPorts } from './rolling';
import { createSwapPorts } from './swap';
import { withPriorityPorts } from '../../util/priority';

export interface DeployPorts {
  bake: BakePorts;
  swap: SwapPorts;
  rolling: RollingPorts;
  canary: CanaryPorts;
}

/** `analyze`: the canary's analysis evaluator (every analysis passes without one). */
export function createDeployPorts(clients: AwsPort, ctx: DeployPortsContext, analyze?: CanaryAnalyzer): DeployPorts {
  // A deployment's AWS calls are served before resync observation waiting on the same budget.
  return {
    bake: withPriorityPorts('deploy', createBakePorts(clients, ctx)),
    swap: withPriorityPorts('deploy', createSwapPorts(clients, ctx)),
    rolling: withPriorityPorts('deploy', createRollingPorts(clients, ctx)),
    canary: withPriorityPorts('deploy', createCanaryPorts(clients, ctx, analyze)),
  };
}

export { passWithoutAnalysis, type CanaryAnalyzer } from './canary';

export type { DeployPortsContext } from '../../providers/deploy-context';
export { BAKE_RESULT_MARKER, parseBakeResult } from '../../providers/image/bake-result';
export { TAG_BAKE_TOKEN } from '../../providers/image/bake-builder';
export { renderBuilderScript } from '../../providers/image/builder-user-data';
export { ensureImageVersion, pruneVersions } from '../../providers/launchtemplate/versions';
export { prepareRollingVersion } from './rolling';
export { nextGeneration } from '../../providers/autoscaling/generation';
export { sweepBuilders } from '../../providers/autoscaling/sweep';
export { imageOrigin } from '../../providers/image/bake-images';
