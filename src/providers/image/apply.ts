/** The `deregisterImage` step: an expired baked image and its snapshots, after re-checking the world. */
import { EVENTS } from '../../log/events';
import { deregisterImageAndSnapshots } from './images';
import type { DeregisterImageParams } from '../../model/plan-params';
import { DONE, type StepHandler } from '../apply-context';

export const deregisterImage: StepHandler<DeregisterImageParams> = async (clients, params, ctx) => {
  const removal = await deregisterImageAndSnapshots(clients, ctx, params);
  if (removal.status === 'kept') {
    ctx.logger.warn({ event: EVENTS.applyStep, fleet: ctx.fleet, imageId: params.imageId }, `keeping image ${params.imageId}: ${removal.reason}`);
    return { status: 'done', detail: { kept: removal.reason } };
  }
  return removal.status === 'deleted' ? { status: 'done', detail: { snapshotIds: removal.snapshotIds } } : DONE;
};
