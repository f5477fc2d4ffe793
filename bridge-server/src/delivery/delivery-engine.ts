import type { Logger } from '../shared/logger';
import type { BridgeMetrics } from '../shared/metrics';
import type { CallReader } from '../store/call-reader';
import type { DeliveryStore } from '../store/delivery-store';
import { DeliveryWorker } from './delivery-worker';
import { EventHub } from './event-hub';
import { TargetPolicy, type Endpoint } from './target-policy';
import { WaiterService } from './waiters';

export interface DeliveryEngineOptions {
  store: DeliveryStore;
  calls: CallReader;
  log: Logger;
  metrics: BridgeMetrics;
  leaseMs: number;
  /** WEBHOOK_ALLOWED_HOSTS. */
  allowedHosts?: readonly string[];
  /** The bridge's own services (Redis, PostgreSQL): never a webhook's target. */
  forbiddenEndpoints: readonly Endpoint[];
}

/** What gets events to their receivers: the one target policy, the worker, the waiters, and the hub every event enters by. */
export interface DeliveryEngine {
  targetPolicy: TargetPolicy;
  worker: DeliveryWorker;
  waiters: WaiterService;
  hub: EventHub;
  wakeWorker(): void;
}

export function deliveryEngine(options: DeliveryEngineOptions): DeliveryEngine {
  const { store, log } = options;
  const targetPolicy = new TargetPolicy({
    allowedHosts: options.allowedHosts,
    forbiddenEndpoints: options.forbiddenEndpoints,
  });
  const worker = new DeliveryWorker({
    store,
    log,
    metrics: options.metrics,
    targetPolicy,
    leaseMs: options.leaseMs,
    // A receiver that answered 410 Gone wants no more: its subscription goes.
    onGone: async (job) => {
      if (job.target.kind === 'subscription') await store.deleteSubscription(job.target.id);
    },
  });
  const wakeWorker = () => worker.wake();
  const waiters = new WaiterService(store, options.calls, wakeWorker, log, targetPolicy);
  const hub = new EventHub(store, wakeWorker, [waiters]);
  return { targetPolicy, worker, waiters, hub, wakeWorker };
}
