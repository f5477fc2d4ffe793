import type { AddressInfo } from 'node:net';
import { AgentConnector } from './agent/agent-connector';
import { AgentMode } from './calls/agent-mode';
import { drainOwnedCalls } from './calls/call-drain';
import { inboundCalls } from './calls/inbound-calls';
import { registerInboundRouteRoutes } from './http/inbound-route-routes';
import { registerSandboxRoutes } from './http/sandbox-routes';
import { placeCallRequestParser } from './calls/call-request';
import { CallTransfers } from './calls/call-transfers';
import { RegisteredTools } from './calls/registered-tools';
import { targetUrlSchema } from './delivery/delivery-request';
import { policyFetch } from './delivery/policy-fetch';
import { registerToolRoutes } from './http/tool-routes';
import { CallFactory } from './calls/call-factory';
import { CallLifecycle } from './calls/call-lifecycle';
import { CallService } from './calls/call-service';
import { CallDataEraser } from './calls/call-data-eraser';
import { PostCallAnalysis } from './calls/post-call-analysis';
import { CallRecordings } from './calls/call-recordings';
import { RecordingMedia } from './twilio/recording-media';
import { callAnalyzer } from './agent/genai-client';
import { OutboundDialer } from './calls/outbound-dialer';
import type { CallRecord } from './model/call-record';
import { conversationFactories } from './calls/conversation-factories';
import { OrphanedCalls, streamedElsewhere } from './calls/orphaned-calls';
import { metricsSource } from './workers';
import type { BridgeConfig } from './config/load-config';
import { openStorage } from './storage';
import { registerDashboardRoutes } from './http/dashboard-routes';
import { registerLiveRoutes } from './http/live-routes';
import { SubscriptionService } from './delivery/subscriptions';
import { registerDeliveryRoutes } from './http/delivery-routes';
import { buildApp } from './http/app';
import { registerCallRoutes } from './http/call-routes';
import { registerHealthRoutes } from './http/health-routes';
import { registerTwilioRoutes } from './http/twilio-routes';
import { databaseEndpoints, redisEndpoints } from './delivery/target-policy';
import { deliveryEngine } from './delivery/delivery-engine';
import { MediaSocketServer } from './http/media-socket';
import type { Logger } from './shared/logger';
import { BridgeMetrics } from './shared/metrics';
import { callModes, type ServiceSettings } from './config/service-settings';
import { createSpeechClient } from './stt/speech-client';
import { StoredCallReader } from './store/call-reader';
import { TwilioRestCarrier } from './twilio/twilio-rest-client';

/** A live viewer that stops reading is dropped once this much is waiting for it. */
const LIVE_MAX_BUFFERED_BYTES = 1024 * 1024;

import type { Bridge } from './bridge-handle';
export type { Bridge };

/**
 * The bridge for `config`, talking to the services `services` reaches (the real ones, or the
 * sandbox's simulators: see sandbox/start.ts).
 */
export { StartupError } from './shared/startup-error';

export async function createBridge(config: BridgeConfig, log: Logger, services: ServiceSettings): Promise<Bridge> {
  const metrics = new BridgeMetrics();
  const parts = await openStorage(config, log, metrics);
  const deliveryStore = parts.deliveryStore;
  const { targetPolicy, worker, waiters, hub, wakeWorker } = deliveryEngine({
    store: deliveryStore,
    calls: new StoredCallReader(parts.store),
    log,
    metrics,
    leaseMs: config.deliveryLeaseSec * 1000,
    allowedHosts: config.webhookAllowedHosts,
    forbiddenEndpoints: [...redisEndpoints(config.redis), ...databaseEndpoints(config.history?.databaseUrl)],
  });
  let publicUrl = config.publicUrl ?? '';
  const modes = callModes(services);
  const outbound = policyFetch(targetPolicy);
  const agents = services.gemini
    ? new AgentMode(new AgentConnector(services.gemini, log, config.geminiSetupTimeoutMs), outbound.fetch, log, (id) =>
        streamedElsewhere(parts.store, id, parts.instances.self),
      )
    : undefined;
  const speechClient = services.speech ? createSpeechClient(services.speech) : undefined;
  const analyses =
    services.gemini &&
    new PostCallAnalysis({ store: parts.store, analyzer: callAnalyzer(services.gemini), events: hub, log });

  const carrier = new TwilioRestCarrier(services.twilio, log);
  const lifecycle = new CallLifecycle({
    store: parts.store,
    carrier,
    events: hub,
    log,
    instance: parts.instances.self,
    watchStream: (id) => orphans.watch(id),
    onEnded: (call) => analyses?.start(call),
    journalMetrics: { pending: metrics.heldStoreWrites, dropped: metrics.droppedStoreWrites },
    onPersonAnswered: (call) => {
      // Alone, the stream is surely here: greet now, on the session opened while it rang.
      if (orphans.alone) agents?.greet(call.id);
      streams.personAnswered(call.id);
    },
  });
  // A call is about to ring (dialled out, or answered in): agent mode opens Gemini now.
  const callStarting = (call: CallRecord) => {
    metrics.callsPlaced.inc({ mode: call.mode });
    agents?.prewarm(call);
  };
  const dialer = new OutboundDialer({
    store: parts.store,
    carrier,
    lifecycle,
    log,
    publicUrl: () => publicUrl,
    slots: parts.dialSlots,
    onDialling: callStarting,
  });
  const orphans = new OrphanedCalls({
    store: parts.store,
    instances: parts.instances,
    carrier,
    lifecycle,
    dialer,
    log,
  });
  const calls = new CallService({
    store: parts.store,
    dialer,
    lifecycle,
    log,
    defaultFrom: services.twilio.fromNumber,
    modes: new Set(modes),
    parseRequest: placeCallRequestParser(targetUrlSchema(targetPolicy)),
    tools: parts.tools,
    archive: parts.history?.archive,
  });

  const inbound = inboundCalls({
    config,
    storage: parts,
    lifecycle,
    fetch: outbound.fetch,
    log,
    metrics,
    publicUrl: () => publicUrl,
    url: targetUrlSchema(targetPolicy),
    agentMode: agents !== undefined,
    onAgentCall: callStarting,
  });
  const recordingMedia = new RecordingMedia(services.twilio);
  const recordings = new CallRecordings(parts.store, lifecycle, recordingMedia, log, parts.history?.archive);
  const eraser = new CallDataEraser(parts.store, deliveryStore, parts.history?.archive, recordingMedia, log);
  const transfers = new CallTransfers({ store: parts.store, carrier, lifecycle, publicUrl: () => publicUrl, log });
  const conversations = conversationFactories(
    agents,
    speechClient && { client: speechClient, model: services.speech?.model },
  );
  const streams = new CallFactory({ lifecycle, conversations, live: parts.live, metrics, transfers });
  const subscriptions = new SubscriptionService(deliveryStore, targetPolicy);
  const authToken = () => services.twilio.authToken;
  const media = new MediaSocketServer({ streams, authToken, publicUrl: () => publicUrl, log, metrics });
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
      registerHealthRoutes(root, readiness, metricsSource(metrics.registry));
      registerDashboardRoutes(root);
    },
    apiRoutes: (v1) => {
      registerCallRoutes(v1, calls, eraser, recordings);
      registerToolRoutes(v1, new RegisteredTools(parts.tools, targetUrlSchema(targetPolicy)));
      registerInboundRouteRoutes(v1, inbound.registrations);
      const simulate = services.simulateIncoming;
      if (simulate)
        registerSandboxRoutes(
          v1,
          (call) => simulate({ ...call, voiceUrl: `${publicUrl}/twilio/incoming` }),
          calls,
          services.twilio.fromNumber,
        );
      registerDeliveryRoutes(v1, { subscriptions, waiters, store: deliveryStore, wakeWorker });
      registerLiveRoutes(v1, {
        feed: parts.live,
        maxViewers: config.liveMaxViewers,
        maxBufferedBytes: LIVE_MAX_BUFFERED_BYTES,
      });
    },
    twilioRoutes: (twilioScope) => registerTwilioRoutes(twilioScope, lifecycle, transfers, inbound.router, recordings),
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
    streams,
    metrics,
    delivery: { store: deliveryStore, worker, waiters, hub },
    modes,
    async listen() {
      await app.listen({ port: config.port, host: config.host });
      worker.start();
      waiters.start();
      orphans.start();
      parts.history?.start();
      const { port } = app.server.address() as AddressInfo;
      const local = `http://127.0.0.1:${port}`;
      publicUrl ||= local;
      return local;
    },
    async shutdown(graceMs = config.shutdownGraceSec * 1000) {
      calls.stopAccepting();
      const step = async (name: string, run: () => unknown) => {
        const started = performance.now();
        await run();
        log.debug({ step: name, ms: Math.round(performance.now() - started) }, 'shutdown step done');
      };
      await drainOwnedCalls({ lifecycle, streams, store: parts.store, log }, graceMs, step);
      await step('streams', () => streams.finishAll());
      await step('analyses', () => analyses?.finishAll());
      media.close();
      agents?.close();
      outbound.close();
      // Left cleanly only once every call here is over; else the others finish what remains.
      await orphans.close(lifecycle.owned.size === 0);
      waiters.stop();
      await step('delivery worker', () => worker.stop());
      await step('http', () => app.close());
      await step('live feed', () => parts.live.close());
      await step('history', () => parts.history?.close());
      await step('speech client', () => speechClient?.close());
      await step('redis', () => parts.redis?.quit());
    },
  };
}
