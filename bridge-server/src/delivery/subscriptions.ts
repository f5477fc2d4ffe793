import { BridgeError } from '../shared/errors';
import { newId } from '../shared/ids';
import type { DeliveryStore, Subscription } from '../store/delivery-store';
import {
  checkTargetResolves,
  deliveryRequestParser,
  deliveryRequestSchemas,
  type DeliveryRequestParser,
} from './delivery-request';
import type { TargetPolicy } from './target-policy';
import { newWebhookSecret } from './webhook-signature';

export type SubscriptionView = Omit<Subscription, 'secret'>;

/** Subscriptions one bridge keeps; each is read on every event, so there is a ceiling. */
export const MAX_SUBSCRIPTIONS = 1000;

function view({ secret: _secret, ...visible }: Subscription): SubscriptionView {
  return visible;
}

/** `/v1/subscriptions`: deliver chosen event types to a URL until deleted (or the URL answers 410). */
export class SubscriptionService {
  private readonly parse: DeliveryRequestParser;
  /** The request bodies' schemas (subscriptions and waiters), for the API's document. */
  readonly requestSchemas: ReturnType<typeof deliveryRequestSchemas>;

  constructor(
    private readonly store: DeliveryStore,
    private readonly policy: TargetPolicy,
  ) {
    this.parse = deliveryRequestParser(policy);
    this.requestSchemas = deliveryRequestSchemas(policy);
  }

  async create(body: unknown): Promise<SubscriptionView & { secret: string }> {
    const request = this.parse.subscription(body);
    await checkTargetResolves(this.policy, request.url, 'subscription');
    if ((await this.store.listSubscriptions()).length >= MAX_SUBSCRIPTIONS)
      throw new BridgeError('SUBSCRIPTION_LIMIT_REACHED');
    const subscription: Subscription = {
      id: newId('sub'),
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
