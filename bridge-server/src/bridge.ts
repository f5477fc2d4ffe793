import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { AgentConnector } from './agent/agent-connector';
import { AgentHandler } from './calls/agent-conversation';
import { CallLifecycle } from './calls/call-lifecycle';
import { CallService } from './calls/call-service';
import type { ModeHandlerFactory } from './calls/media-port';
import type { BridgeConfig, GeminiSettings, SpeechSettings, TwilioSettings } from './config/load-config';
import { DeliveryWorker } from './delivery/delivery-worker';
import { EventHub } from './delivery/event-hub';
import { MemoryLiveFeed, type LiveFeed } from './delivery/live-feed';
import { RedisLiveFeed } from './delivery/redis-live-feed';
import { registerDashboardRoutes } from './http/dashboard-routes';
import { registerLiveRoutes } from './http/live-routes';
import { SubscriptionService } from './delivery/subscriptions';
import { WaiterService } from './delivery/waiters';
import { registerDeliveryRoutes } from './http/delivery-routes';
import { buildApp } from './http/app';
import { registerCallRoutes } from './http/call-routes';
import { registerHealthRoutes } from './http/health-routes';
import { registerTwilioRoutes } from './http/twilio-routes';
import { TargetPolicy, type Endpoint } from './delivery/target-policy';
import { MediaSocketServer } from './http/media-socket';
import type { Logger } from './shared/logger';
import { BridgeMetrics } from './shared/metrics';
import { GeminiLiveSimulator } from './sandbox/gemini-live-simulator';
import { SandboxCarrier } from './sandbox/sandbox-carrier';
import { SpeechSimulator } from './sandbox/speech-simulator';
import { createSpeechClient } from './stt/speech-client';
import { TranscribeHandler } from './calls/transcribe-conversation';
import type { CallStore } from './store/call-store';
import type { DeliveryStore } from './store/delivery-store';
import { MemoryCallStore } from './store/memory-call-store';
import { MemoryDeliveryStore } from './store/memory-delivery-store';
import { RedisCallStore } from './store/redis-call-store';
import { RedisDeliveryStore } from './store/redis-delivery-store';
import { connectRedis, redisReady } from './store/redis-connection';
import { redactUrl } from './shared/log-redaction';
import { TwilioRestCarrier } from './twilio/twilio-rest-client';
import type { CallMode } from './shared/wire-types';

/** How long start-up waits for Redis before it gives up with one clear line. */
const REDIS_STARTUP_TIMEOUT_MS = 5000;

/** Start-up cannot go on; the message says why and what to change. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

/** A live viewer that stops reading is dropped once this much is waiting for it. */
const LIVE_MAX_BUFFERED_BYTES = 1024 * 1024;

/** After hanging up at the end of a drain, how long Twilio has to confirm before calls are ended here. */
const HANGUP_CONFIRM_MS = 3000;

/** Whether `promise` settles within `ms` milliseconds. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The bridge's own services, which no webhook may target. */
function ownEndpoints(config: BridgeConfig): Endpoint[] {
  if (!config.redisUrl) return [];
  const url = new URL(config.redisUrl);
  return [{ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 6379) }];
}

/** Twilio's magic test number, the sandbox's default caller id. */
export const SANDBOX_FROM_NUMBER = '+15005550006';

export interface Bridge {
  readonly config: BridgeConfig;
  readonly app: FastifyInstance;
  readonly calls: CallService;
  readonly lifecycle: CallLifecycle;
  readonly media: MediaSocketServer;
  readonly metrics: BridgeMetrics;
  readonly delivery: { store: DeliveryStore; worker: DeliveryWorker; waiters: WaiterService; hub: EventHub };
  readonly modes: readonly CallMode[];
  /** The in-process simulators, in sandbox mode. */
  readonly sandbox: { carrier?: SandboxCarrier; gemini?: GeminiLiveSimulator; speech?: SpeechSimulator };
  /** Listens on PORT/HOST; resolves to the local base URL. */
  listen(): Promise<string>;
  /** Stops taking calls, lets active streams finish up to `graceMs`, then closes everything. */
  shutdown(graceMs?: number): Promise<void>;
}

interface Parts {
  store: CallStore;
  deliveryStore: DeliveryStore;
  live: LiveFeed;
  redis?: Redis;
  twilio: TwilioSettings;
  gemini?: GeminiSettings;
  speech?: SpeechSettings;
  sandbox: Bridge['sandbox'];
}

async function startParts(config: BridgeConfig, log: Logger): Promise<Parts> {
  const redis = config.redisUrl ? connectRedis(config.redisUrl, log, 'commands') : undefined;
  if (redis)
    await redisReady(redis, REDIS_STARTUP_TIMEOUT_MS).catch((error: unknown) => {
      redis.disconnect();
      throw new StartupError(
        `Redis at ${redactUrl(config.redisUrl!)} is not reachable (${error instanceof Error ? error.message : String(error)}); check REDIS_URL, or unset it to keep everything in memory`,
      );
    });
  const store: CallStore = redis ? new RedisCallStore(redis, config.redisKeyPrefix) : new MemoryCallStore();
  const memoryFeed = redis ? undefined : new MemoryLiveFeed();
  const live: LiveFeed = redis
    ? new RedisLiveFeed(
        redis,
        connectRedis(config.redisUrl!, log, 'live-subscriber'),
        connectRedis(config.redisUrl!, log, 'events-reader'),
        config.redisKeyPrefix,
        log,
      )
    : memoryFeed!;
  const deliveryStore: DeliveryStore = redis
    ? new RedisDeliveryStore(redis, config.redisKeyPrefix)
    : new MemoryDeliveryStore((event) => memoryFeed!.event(event));
  const sandbox: Bridge['sandbox'] = {};
  let twilio = config.twilio;
  if (!twilio) {
    sandbox.carrier = new SandboxCarrier({ log, speed: config.sandboxSpeed });
    const apiBaseUrl = await sandbox.carrier.listen();
    twilio = {
      accountSid: sandbox.carrier.accountSid,
      authToken: sandbox.carrier.authToken,
      fromNumber: SANDBOX_FROM_NUMBER,
      apiBaseUrl,
    };
  }
  let gemini = config.gemini;
  if (!gemini && config.sandbox) {
    sandbox.gemini = new GeminiLiveSimulator({ log, speed: config.sandboxSpeed });
    gemini = { apiKey: 'sandbox', model: 'sandbox-live', baseUrl: await sandbox.gemini.listen() };
  }
  let speech = config.speech;
  if (!speech && config.sandbox) {
    sandbox.speech = new SpeechSimulator({ log });
    const [host, port] = (await sandbox.speech.listen()).split(':');
    speech = { endpoint: { host, port: Number(port) }, insecure: true };
  }
  return { store, deliveryStore, live, redis, twilio, gemini, speech, sandbox };
}

export async function createBridge(config: BridgeConfig, log: Logger): Promise<Bridge> {
  const parts = await startParts(config, log);
  const metrics = new BridgeMetrics();
  const deliveryStore = parts.deliveryStore;
  const targetPolicy = new TargetPolicy({
    allowedHosts: config.webhookAllowedHosts,
    forbiddenEndpoints: ownEndpoints(config),
  });
  const worker = new DeliveryWorker({
    store: deliveryStore,
    log,
    metrics,
    targetPolicy,
    leaseMs: config.deliveryLeaseSec * 1000,
    onGone: async (job) => {
      if (job.target.kind === 'subscription') await deliveryStore.deleteSubscription(job.target.id);
    },
  });
  const hub = new EventHub(deliveryStore, () => worker.wake());
  let publicUrl = config.publicUrl ?? '';
  const modes: CallMode[] = [
    ...(parts.gemini ? (['agent'] as const) : []),
    ...(parts.speech ? (['transcribe'] as const) : []),
  ];
  const connector = parts.gemini ? new AgentConnector(parts.gemini, log) : undefined;
  const speechClient = parts.speech ? createSpeechClient(parts.speech) : undefined;

  const carrier = new TwilioRestCarrier(parts.twilio);
  const lifecycle = new CallLifecycle({
    store: parts.store,
    carrier,
    events: hub,
    log,
    journalMetrics: { pending: metrics.heldStoreWrites, dropped: metrics.droppedStoreWrites },
  });
  const calls = new CallService({
    store: parts.store,
    carrier,
    lifecycle,
    log,
    get publicUrl() {
      return publicUrl;
    },
    defaultFrom: parts.twilio.fromNumber,
    modes: new Set(modes),
    onCallPlaced: (call) => {
      metrics.callsPlaced.inc({ mode: call.mode });
      connector?.prewarm(call);
    },
  });

  const unavailable: ModeHandlerFactory = (context) => {
    throw new Error(`mode ${context.call.mode} is not configured`);
  };
  const handlers: Record<CallMode, ModeHandlerFactory> = {
    agent: connector ? (context) => new AgentHandler(context, { connector }) : unavailable,
    transcribe: speechClient ? (context) => new TranscribeHandler(context, speechClient) : unavailable,
  };
  const waiters = new WaiterService(deliveryStore, calls, hub, log, targetPolicy);
  const subscriptions = new SubscriptionService(deliveryStore, targetPolicy);
  const authToken = () => parts.twilio.authToken;
  const media = new MediaSocketServer({
    calls: lifecycle,
    handlers,
    authToken,
    publicUrl: () => publicUrl,
    log,
    metrics,
    live: parts.live,
  });
  const readiness = {
    checkStore: async () => {
      if (parts.redis) await parts.redis.ping();
    },
    modes,
    sandbox: config.sandbox,
    acceptingCalls: () => calls.acceptingCalls,
  };
  const app = buildApp({
    log,
    apiKey: config.apiKey,
    twilio: { authToken, publicUrl: () => publicUrl },
    publicRoutes: (root) => {
      registerHealthRoutes(root, readiness, metrics.registry);
      registerDashboardRoutes(root);
    },
    apiRoutes: (v1) => {
      registerCallRoutes(v1, calls);
      registerDeliveryRoutes(v1, { subscriptions, waiters, store: deliveryStore, wakeWorker: () => worker.wake() });
      registerLiveRoutes(v1, {
        feed: parts.live,
        maxViewers: config.liveMaxViewers,
        maxBufferedBytes: LIVE_MAX_BUFFERED_BYTES,
      });
    },
    twilioRoutes: (twilioScope) => registerTwilioRoutes(twilioScope, lifecycle),
  });
  media.attach(app.server);
  // A call's end may be recorded by another instance: its event releases the call here too.
  void parts.live.subscribe((message) => {
    if (message.type === 'call.ended') lifecycle.owned.release(message.call.id);
  });

  return {
    config,
    app,
    calls,
    lifecycle,
    media,
    metrics,
    delivery: { store: deliveryStore, worker, waiters, hub },
    modes,
    sandbox: parts.sandbox,
    async listen() {
      await app.listen({ port: config.port, host: config.host });
      worker.start();
      waiters.start();
      const { port } = app.server.address() as AddressInfo;
      const local = `http://127.0.0.1:${port}`;
      publicUrl ||= local;
      return local;
    },
    async shutdown(graceMs = config.shutdownGraceSec * 1000) {
      calls.stopAccepting();
      // Calls already here go on (Twilio's callbacks and media are still taken) until they end
      // or the grace period is over; then they are hung up, and ended here if Twilio is silent.
      if (!(await settlesWithin(lifecycle.owned.drained(), graceMs))) {
        log.warn({ calls: lifecycle.owned.size }, 'shutdown grace period is over; hanging up the calls still going');
        await lifecycle.hangUpOwned('error');
        await settlesWithin(lifecycle.owned.drained(), HANGUP_CONFIRM_MS);
        await media.finishAll();
        await lifecycle.forceEndOwned();
      }
      await media.finishAll();
      media.close();
      connector?.close();
      lifecycle.close();
      waiters.stop();
      await worker.stop();
      await app.close();
      await parts.live.close();
      await parts.sandbox.carrier?.close();
      await parts.sandbox.gemini?.close();
      await parts.sandbox.speech?.close();
      await speechClient?.close();
      await parts.redis?.quit();
    },
  };
}
