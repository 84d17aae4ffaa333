/** EventBridge-shaped events the account puts on its configured event queue. */
import { SimCore } from '../core';
import { enqueue } from '../sqs/store';

export function publishEvent(sim: SimCore, detailType: string, source: string, resources: string[], detail: Record<string, unknown>): void {
  const name = sim.state.eventQueue;
  const q = name ? sim.state.queues[name] : undefined;
  if (!q) return;
  const event = {
    version: '0',
    id: sim.uuid(),
    'detail-type': detailType,
    source,
    account: sim.state.accountId,
    time: sim.iso(),
    region: sim.state.region,
    resources,
    detail,
  };
  enqueue(sim, q, JSON.stringify(event));
}
