import { randomBytes } from 'node:crypto';
import { BridgeError } from '../errors';
import type { DeliveryStore, Subscription } from '../store/delivery-store';
import { parseSubscriptionRequest } from './delivery-request';
import { newWebhookSecret } from './webhook-signature';

export type SubscriptionView = Omit<Subscription, 'secret'>;

function view({ secret: _secret, ...visible }: Subscription): SubscriptionView {
  return visible;
}

/** `/v1/subscriptions`: deliver chosen event types to a URL until deleted (or the URL answers 410). */
export class SubscriptionService {
  constructor(private readonly store: DeliveryStore) {}

  async create(body: unknown): Promise<SubscriptionView & { secret: string }> {
    const request = parseSubscriptionRequest(body);
    const subscription: Subscription = {
      id: `sub_${randomBytes(12).toString('hex')}`,
      url: request.url,
      events: [...new Set(request.events)],
      secret: request.secret ?? newWebhookSecret(),
      createdAt: new Date().toISOString(),
    };
    await this.store.putSubscription(subscription);
    return { ...view(subscription), secret: subscription.secret };
  }

  async get(id: string): Promise<SubscriptionView> {
    const subscription = await this.store.getSubscription(id);
    if (!subscription) throw new BridgeError('SUBSCRIPTION_NOT_FOUND');
    return view(subscription);
  }

  async list(): Promise<SubscriptionView[]> {
    return (await this.store.listSubscriptions()).map(view).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async delete(id: string): Promise<void> {
    if (!(await this.store.deleteSubscription(id))) throw new BridgeError('SUBSCRIPTION_NOT_FOUND');
  }
}
