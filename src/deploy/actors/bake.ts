/**
 * Bake ports over EC2: find an image already baked for (fleet, commit), launch the builder
 * (idempotent by ClientToken), read its console marker, image it, terminate it. Images and
 * builders are found by drover's tags, never by a remembered id alone.
 */
import type { BakePorts } from '../machines/ports';
import type { AwsPort } from '../../aws/port';
import { launchBuilder, pollBuilder, readResult, terminateBuilder } from '../../providers/image/bake-builder';
import { createImage, findImage, pollImage } from '../../providers/image/bake-images';
import type { DeployPortsContext } from '../../providers/deploy-context';

export function createBakePorts(clients: AwsPort, ctx: DeployPortsContext): BakePorts {
  return {
    findImage: (input) => findImage(clients, ctx, input),
    launchBuilder: (input) => launchBuilder(clients, ctx, input),
    pollBuilder: (input) => pollBuilder(clients, ctx, input),
    readResult: (input) => readResult(clients, ctx, input),
    createImage: (input) => createImage(clients, ctx, input),
    pollImage: (input) => pollImage(clients, ctx, input),
    terminateBuilder: (input) => terminateBuilder(clients, ctx, input),
  };
}
