/**
 * Message dedupe shared by replicas (issue 13), over the state store's message items (with a
 * TTL): any replica may receive any SQS message or GitLab delivery, so "already handled" must
 * be known to all of them. Alone on a state directory the in-process windows stay (fast path).
 *
 * - SQS: a message id is claimed before it is handled and marked handled after. A redelivery
 *   of a handled message is a duplicate (deleted, not handled again). A claim whose holder is
 *   still busy or died is not trusted to have finished: the message is handled (handlers are
 *   idempotent: the bake register dedupes commits, lifecycle actions are claimed), never lost.
 * - The relay: delivery keys (GitLab's Idempotency-Key) claimed, confirmed with the MessageId.
 */
import type { StateStore } from '../../state/port';
import type { Clock } from '../../util/clock';
import type { DeliveryClaim, DeliveryWindow } from './delivery-window';

type MessageItems = Pick<StateStore, 'claimMessage' | 'confirmMessage' | 'releaseMessage'>;

/** How long handled message ids and delivery keys are remembered by default. */
export const SHARED_DEDUPE_TTL_MS = 60 * 60_000;
const HANDLED = 'handled';

export type MessageClaim = 'fresh' | 'handled' | 'pending';

export interface SharedMessageDedupe {
  /** `handled`: a duplicate of a handled message; `pending`: another replica took it and has not finished. */
  claim(messageId: string): Promise<MessageClaim>;
  handled(messageId: string): Promise<void>;
  /** The handler failed: a redelivery must be handled. */
  release(messageId: string): Promise<void>;
}

export function storeMessageDedupe(store: MessageItems, clock: Clock, ttlMs = SHARED_DEDUPE_TTL_MS): SharedMessageDedupe {
  const key = (id: string) => `sqs:${id}`;
  return {
    async claim(id) {
      const r = await store.claimMessage(key(id), clock.nowMs(), ttlMs);
      if (r.fresh) return 'fresh';
      return r.value === HANDLED ? 'handled' : 'pending';
    },
    handled: (id) => store.confirmMessage(key(id), HANDLED),
    release: (id) => store.releaseMessage(key(id)),
  };
}

/** The relay's delivery window in the state store: one delivery per key whichever replica GitLab reaches. */
export class StoreDeliveryWindow implements DeliveryWindow {
  constructor(
    private readonly store: MessageItems,
    private readonly clock: Clock,
    private readonly ttlMs = SHARED_DEDUPE_TTL_MS,
  ) {}

  async claim(key: string): Promise<DeliveryClaim> {
    const r = await this.store.claimMessage(`relay:${key}`, this.clock.nowMs(), this.ttlMs);
    return r.fresh ? { fresh: true } : { fresh: false, ...(r.value ? { messageId: r.value } : {}) };
  }

  async confirm(key: string, messageId: string | undefined): Promise<void> {
    if (messageId) await this.store.confirmMessage(`relay:${key}`, messageId);
  }

  async release(key: string): Promise<void> {
    await this.store.releaseMessage(`relay:${key}`);
  }
}
