import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { AgentConnector } from './agent/agent-connector';
import { AgentHandler } from './agent/agent-handler';
import { CallService } from './calls/call-service';
import type { ModeHandlerFactory } from './calls/media-session';
import type { BridgeConfig, GeminiSettings, SpeechSettings, TwilioSettings } from './config';
import { DeliveryWorker } from './delivery/delivery-worker';
import { EventHub } from './delivery/event-hub';
import { MemoryLiveFeed, RedisLiveFeed, type LiveFeed } from './delivery/live-feed';
import { registerDashboardRoutes } from './http/dashboard-routes';
import { registerLiveRoutes } from './http/live-routes';
import { SubscriptionService } from './delivery/subscriptions';
import { WaiterService } from './delivery/waiters';
import { registerDeliveryRoutes } from './http/delivery-routes';
import { buildApp } from './http/app';
import { MediaSocketServer } from './http/media-socket';
import type { Logger } from './logger';
import { BridgeMetrics } from './metrics';
import { GeminiLiveSimulator } from './sandbox/gemini-live-simulator';
import { SandboxCarrier } from './sandbox/sandbox-carrier';
import { SpeechSimulator } from './sandbox/speech-simulator';
import { createSpeechClient } from './stt/speech-client';
import { TranscribeHandler } from './stt/transcribe-handler';
import type { CallStore } from './store/call-store';
import type { DeliveryStore } from './store/delivery-store';
import { MemoryCallStore } from './store/memory-call-store';
import { MemoryDeliveryStore } from './store/memory-delivery-store';
import { RedisCallStore } from './store/redis-call-store';
import { RedisDeliveryStore } from './store/redis-delivery-store';
import { connectRedis } from './store/redis-connection';
import { TwilioRestCarrier } from './twilio/twilio-rest-client';
import type { CallMode } from './wire-types';

/** Twilio's magic test number, the sandbox's default caller id. */
export const SANDBOX_FROM_NUMBER = '+15005550006';

export interface Bridge {
  readonly config: BridgeConfig;
  readonly app: FastifyInstance;
  readonly calls: CallService;
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
  const store: CallStore = redis ? new RedisCallStore(redis, config.redisKeyPrefix) : new MemoryCallStore();
  const memoryFeed = redis ? undefined : new MemoryLiveFeed();
  const live: LiveFeed = redis ? new RedisLiveFeed(redis, connectRedis(config.redisUrl!, log, 'live-subscriber'), config.redisKeyPrefix, log) : memoryFeed!;
  const deliveryStore: DeliveryStore = redis ? new RedisDeliveryStore(redis, config.redisKeyPrefix) : new MemoryDeliveryStore((event) => memoryFeed!.event(event));
  const sandbox: Bridge['sandbox'] = {};
  let twilio = config.twilio;
  if (!twilio) {
    sandbox.carrier = new SandboxCarrier({ log, speed: config.sandboxSpeed });
    const apiBaseUrl = await sandbox.carrier.listen();
    twilio = { accountSid: sandbox.carrier.accountSid, authToken: sandbox.carrier.authToken, fromNumber: SANDBOX_FROM_NUMBER, apiBaseUrl };
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
  const worker = new DeliveryWorker({
    store: deliveryStore,
    log,
    metrics,
    leaseMs: config.deliveryLeaseSec * 1000,
    onGone: async (job) => {
      if (job.target.kind === 'subscription') await deliveryStore.deleteSubscription(job.target.id);
    },
  });
  const hub = new EventHub(deliveryStore, () => worker.wake());
  let publicUrl = config.publicUrl ?? '';
  const modes: CallMode[] = [...(parts.gemini ? (['agent'] as const) : []), ...(parts.speech ? (['transcribe'] as const) : [])];
  const connector = parts.gemini ? new AgentConnector(parts.gemini, log) : undefined;
  const speechClient = parts.speech ? createSpeechClient(parts.speech) : undefined;

  const calls = new CallService({
    store: parts.store,
    carrier: new TwilioRestCarrier(parts.twilio),
    events: hub,
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
  const waiters = new WaiterService(deliveryStore, calls, hub, log);
  const subscriptions = new SubscriptionService(deliveryStore);
  const authToken = () => parts.twilio.authToken;
  const media = new MediaSocketServer({ calls, handlers, authToken, publicUrl: () => publicUrl, log, metrics, live: parts.live });
  const app = buildApp({
    log,
    apiKey: config.apiKey,
    calls,
    twilio: { authToken, publicUrl: () => publicUrl },
    readiness: {
      checkStore: async () => {
        if (parts.redis) await parts.redis.ping();
      },
      modes,
      sandbox: config.sandbox,
      acceptingCalls: () => calls.acceptingCalls,
    },
    metrics: metrics.registry,
    extraRoutes: (instance) => {
      registerDeliveryRoutes(instance, { subscriptions, waiters, store: deliveryStore, wakeWorker: () => worker.wake() });
      registerLiveRoutes(instance, parts.live);
      registerDashboardRoutes(instance);
    },
  });
  media.attach(app.server);

  return {
    config,
    app,
    calls,
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
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      const drained = (async () => {
        while (media.sessions.size > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      })();
      await Promise.race([drained, deadline]);
      await Promise.all([...media.sessions].map(async (session) => {
        await session.endCall('error');
        await session.finish();
      }));
      media.close();
      connector?.close();
      calls.close();
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
