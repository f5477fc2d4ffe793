import type { DeliveryStore, DeliveryTarget, Subscription } from '../store/delivery-store';
import type { CallEventType, DeliveredEvent } from '../shared/wire-types';
import type { EventPublisher } from './event-publisher';

export interface CallEndObserver {
  callEnded(callId: string): Promise<void>;
}

export function subscriptionTarget(subscription: Subscription): DeliveryTarget {
  return { kind: 'subscription', id: subscription.id, url: subscription.url, secret: subscription.secret };
}

/**
 * Where every event goes first: into the store, in one transaction with a delivery job for each
 * subscriber that wants it (so nothing is attempted that is not already durable), then to the
 * delivery worker, and for `call.ended` and `call.analyzed` to the waiters.
 */
export class EventHub implements EventPublisher {
  constructor(
    private readonly store: DeliveryStore,
    private readonly wakeWorker: () => void,
    /** Told of each call's end once its `call.ended` is stored (the waiters). */
    private readonly callEndObservers: readonly CallEndObserver[] = [],
  ) {}

  async publish(event: DeliveredEvent): Promise<void> {
    const targets = event.type === 'waiter.done' ? [] : await this.subscribersOf(event.type);
    await this.store.recordEvent(event, JSON.stringify(event), targets);
    if (targets.length > 0) this.wakeWorker();
    // A waiter also waits for the analysis of calls placed with one.
    if (event.type === 'call.ended' || event.type === 'call.analyzed')
      for (const observer of this.callEndObservers) await observer.callEnded(event.call.id);
  }

  private async subscribersOf(type: CallEventType): Promise<DeliveryTarget[]> {
    return (await this.store.listSubscriptions()).filter((s) => s.events.includes(type)).map(subscriptionTarget);
  }
}
