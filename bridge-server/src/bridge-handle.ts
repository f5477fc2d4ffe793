import type { FastifyInstance } from 'fastify';
import type { CallFactory } from './calls/call-factory';
import type { CallLifecycle } from './calls/call-lifecycle';
import type { CallService } from './calls/call-service';
import type { BridgeConfig } from './config/load-config';
import type { DeliveryWorker } from './delivery/delivery-worker';
import type { EventHub } from './delivery/event-hub';
import type { WaiterService } from './delivery/waiters';
import type { MediaSocketServer } from './http/media-socket';
import type { BridgeMetrics } from './shared/metrics';
import type { CallMode } from './shared/wire-types';
import type { DeliveryStore } from './store/delivery-store';

/** A running bridge, as createBridge gives it: its parts (for tests and the load test), listen and shutdown. */
export interface Bridge {
  readonly config: BridgeConfig;
  readonly app: FastifyInstance;
  readonly calls: CallService;
  readonly lifecycle: CallLifecycle;
  readonly media: MediaSocketServer;
  readonly streams: CallFactory;
  readonly metrics: BridgeMetrics;
  readonly delivery: { store: DeliveryStore; worker: DeliveryWorker; waiters: WaiterService; hub: EventHub };
  readonly modes: readonly CallMode[];
  /** Listens on PORT/HOST; resolves to the local base URL. */
  listen(): Promise<string>;
  /** Stops taking calls, lets active streams finish up to `graceMs`, then closes everything. */
  shutdown(graceMs?: number): Promise<void>;
}
