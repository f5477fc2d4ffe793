import type { z } from 'zod';
import type { BridgeConfig } from '../config/load-config';
import type { PolicyFetch } from '../delivery/policy-fetch';
import type { CallRecord } from '../model/call-record';
import type { Logger } from '../shared/logger';
import type { BridgeMetrics } from '../shared/metrics';
import type { CallStore } from '../store/call-store';
import type { InboundRouteStore } from '../store/inbound-routes';
import type { ToolRegistry } from '../store/tool-registry';
import type { CallLifecycle } from './call-lifecycle';
import { defaultHandling, inboundHandlingSchemaFor } from './inbound-handling';
import { InboundRegistrations } from './inbound-registrations';
import { InboundRouter } from './inbound-router';

export interface InboundCallsParts {
  config: BridgeConfig;
  storage: { store: CallStore; inboundRoutes: InboundRouteStore; tools: ToolRegistry };
  lifecycle: CallLifecycle;
  fetch: PolicyFetch;
  log: Logger;
  metrics: BridgeMetrics;
  publicUrl: () => string;
  /** URLs the API takes (the target policy). */
  url: z.ZodType<string>;
  agentMode: boolean;
  onAgentCall: (call: CallRecord) => void;
}

/** Inbound calls: the `/twilio/incoming` router and the `/v1/inbound-routes` registrations. */
export function inboundCalls(parts: InboundCallsParts): { router: InboundRouter; registrations: InboundRegistrations } {
  const { config, agentMode, storage } = parts;
  return {
    router: new InboundRouter({
      ...parts,
      ...storage,
      routes: storage.inboundRoutes,
      deadlineMs: config.inboundRouteTimeoutMs,
      defaultHandling: defaultHandling(config.inboundDefaultPrompt, agentMode),
      handlingSchema: inboundHandlingSchemaFor(parts.url),
    }),
    registrations: new InboundRegistrations(storage.inboundRoutes, parts.url),
  };
}
