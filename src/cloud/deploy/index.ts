/**
 * The deploy machines' ports over the real SDK clients: one short, idempotent step per
 * method (check, then act), polls that report `nowMs` from the injected clock, and errors
 * that carry `retryable` from the adapter's classification.
 */
import type { BakePorts, RollingPorts, SwapPorts } from '../../deploy/ports';
import type { AwsClients } from '../clients';
import { createBakePorts } from './bake-ports';
import type { DeployPortsContext } from './context';
import { createRollingPorts } from './rolling-ports';
import { createSwapPorts } from './swap-ports';

export interface DeployPorts {
  bake: BakePorts;
  swap: SwapPorts;
  rolling: RollingPorts;
}

export function createDeployPorts(clients: AwsClients, ctx: DeployPortsContext): DeployPorts {
  return { bake: createBakePorts(clients, ctx), swap: createSwapPorts(clients, ctx), rolling: createRollingPorts(clients, ctx) };
}

export type { DeployPortsContext } from './context';
export { BAKE_RESULT_MARKER, parseBakeResult } from './bake-result';
export { TAG_BAKE_TOKEN } from './bake-builder';
export { renderBuilderScript } from './builder-user-data';
export { ensureImageVersion, pruneVersions } from './launch-template-versions';
export { prepareRollingVersion } from './rolling-ports';
export { nextGeneration } from './generation';
export { sweepBuilders } from './sweep';
export { imageOrigin } from './bake-images';
