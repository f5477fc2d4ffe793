import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The bridge's Prometheus metrics (`GET /metrics`). */
export class BridgeMetrics {
  readonly registry = new Registry();
  readonly callsPlaced = new Counter({
    name: 'voicebridge_calls_placed_total',
    help: 'Calls placed, by mode',
    labelNames: ['mode'],
    registers: [this.registry],
  });
  readonly callsEnded = new Counter({
    name: 'voicebridge_calls_ended_total',
    help: 'Calls ended, by end reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly activeStreams = new Gauge({
    name: 'voicebridge_media_streams_active',
    help: 'Media streams open on this instance',
    registers: [this.registry],
  });
  readonly droppedMessages = new Counter({
    name: 'voicebridge_media_messages_dropped_total',
    help: 'Media-stream messages dropped, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly bargeInClear = new Histogram({
    name: 'voicebridge_barge_in_clear_seconds',
    help: "From Gemini's interrupted arriving to Twilio clear being sent",
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.05],
    registers: [this.registry],
  });
  readonly heldStoreWrites = new Gauge({
    name: 'voicebridge_store_writes_held',
    help: 'Call writes (transcript entries, statuses, events) held in memory while the store is unreachable',
    registers: [this.registry],
  });
  readonly droppedStoreWrites = new Counter({
    name: 'voicebridge_store_writes_dropped_total',
    help: 'Call writes dropped because the in-memory hold was full',
    registers: [this.registry],
  });
  readonly deliveries = new Counter({
    name: 'voicebridge_deliveries_total',
    help: 'Webhook delivery attempts, by outcome',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  readonly inboundRouting = new Histogram({
    name: 'voicebridge_inbound_routing_seconds',
    help: "From Twilio's incoming-call webhook to the bridge's TwiML answer, by how the handling was decided",
    labelNames: ['source'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'voicebridge_' });
  }
}
