import { createHash } from 'node:crypto';
import type { PolicyFetch } from '../delivery/policy-fetch';
import { postSignedJson } from '../delivery/signed-json-post';
import type { CallRecord } from '../model/call-record';
import { BridgeError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { BridgeMetrics } from '../shared/metrics';
import type { InboundHandling, IncomingCallRequest } from '../shared/wire-types';
import type { CallStore } from '../store/call-store';
import { routeFor, type InboundRouteStore, type StoredInboundRoute } from '../store/inbound-routes';
import { agentTwiml, forwardTwiml, refusalTwiml } from '../twilio/twiml';
import { mediaStreamUrl } from '../twilio/twilio-signature';
import type { CallLifecycle } from './call-lifecycle';
import { e164 } from './call-request';
import { callerHistory } from './caller-history';
import { POLITE_REFUSAL, readHandling, type inboundHandlingSchemaFor } from './inbound-handling';
import { newCallRecord } from './new-call-record';
import { withRegisteredTools } from './registered-tools';
import type { ToolRegistry } from '../store/tool-registry';

const CALL_SID = /^CA[0-9a-f]{32}$/;

/** Whether `value` has the shape of a Twilio CallSid. */
export function isCallSid(value: unknown): value is string {
  return typeof value === 'string' && CALL_SID.test(value);
}

/** An inbound call's id, from Twilio's CallSid: a retried webhook and later callbacks find the same call. */
export function inboundCallId(callSid: string): string {
  return `call_${createHash('sha256').update(`inbound\n${callSid}`).digest('hex').slice(0, 24)}`;
}

export interface InboundRouterOptions {
  store: CallStore;
  routes: InboundRouteStore;
  /** Tools registered with the bridge, for a handling's `agent.registeredTools`. */
  tools: ToolRegistry;
  lifecycle: CallLifecycle;
  fetch: PolicyFetch;
  log: Logger;
  metrics: BridgeMetrics;
  publicUrl: () => string;
  /** The longest wait for a route's answer before its fallback is used (INBOUND_ROUTE_TIMEOUT_SEC). */
  deadlineMs: number;
  /** Calls to numbers no route answers for (INBOUND_DEFAULT_PROMPT, else the polite refusal). */
  defaultHandling: InboundHandling;
  handlingSchema: ReturnType<typeof inboundHandlingSchemaFor>;
  /** Whether agent mode is configured: without it, an `agent` handling becomes the refusal. */
  agentMode: boolean;
  /** An agent call is about to be answered: Gemini is opened now, before the stream starts. */
  onAgentCall: (call: CallRecord) => void;
}

type Decision = { handling: InboundHandling; source: 'route' | 'fallback' | 'default' };

/**
 * Twilio's voice webhook for the user's numbers (`POST /twilio/incoming`): stores the call, asks
 * the number's route (the Incoming Call workflow) how to handle it within the deadline, and
 * answers Twilio with TwiML: the agent's media stream, a forward, or a spoken refusal.
 */
export class InboundRouter {
  constructor(private readonly options: InboundRouterOptions) {}

  async answer(form: Record<string, string>): Promise<string> {
    const started = performance.now();
    // The deadline counts from Twilio's request: the caller is waiting from then.
    const deadline = AbortSignal.timeout(this.options.deadlineMs);
    const sid = form.CallSid;
    if (!isCallSid(sid) || !e164.safeParse(form.From).success || !e164.safeParse(form.To).success)
      throw new BridgeError('VALIDATION_FAILED', 'An incoming call needs a CallSid and E.164 From and To numbers.');
    const record = newCallRecord({
      id: inboundCallId(sid),
      direction: 'inbound',
      mode: 'agent',
      to: form.To,
      from: form.From,
      twilioCallSid: sid,
      status: 'ringing',
      instance: this.options.lifecycle.instance,
      ...(form.CallerName ? { callerName: form.CallerName.slice(0, 100) } : {}),
    });
    const created = await this.options.store.createCall(record, { key: `inbound:${sid}`, fingerprint: sid });
    // Twilio asks again when an answer was lost: the call is answered as it was the first time.
    if (created.outcome === 'replayed') return this.twimlFor(created.call);
    if (created.outcome === 'conflict') return refusalTwiml(POLITE_REFUSAL);
    this.options.lifecycle.owned.add(record.id);
    const log = this.options.log.child({ callId: record.id });
    const { handling, source } = await this.decide(record, deadline, log);
    const twiml = await this.apply(record, handling, log);
    const seconds = (performance.now() - started) / 1000;
    this.options.metrics.inboundRouting.observe({ source }, seconds);
    log.info({ action: handling.action, source, ms: Math.round(seconds * 1000) }, 'incoming call answered');
    return twiml;
  }

  private async decide(call: CallRecord, deadline: AbortSignal, log: Logger): Promise<Decision> {
    const route = routeFor(await this.options.routes.list(), call.to);
    if (!route) {
      log.info('no inbound route for the called number: the default handling answers');
      return { handling: this.options.defaultHandling, source: 'default' };
    }
    const asked = await this.ask(route, call, deadline);
    if ('handling' in asked) return { handling: asked.handling, source: 'route' };
    log.warn(
      { routeId: route.id, reason: asked.problem },
      'the inbound route gave no usable answer: its fallback answers',
    );
    const fallback = route.fallback ? await this.withTools(route.fallback) : undefined;
    if (fallback && 'problem' in fallback)
      log.warn(
        { routeId: route.id, reason: fallback.problem },
        "the route's fallback is unusable: the default answers",
      );
    return {
      handling: fallback && 'handling' in fallback ? fallback.handling : this.options.defaultHandling,
      source: 'fallback',
    };
  }

  /** An agent handling's `registeredTools` resolved into its tools, as placing a call does. */
  private async withTools(handling: InboundHandling): Promise<{ handling: InboundHandling } | { problem: string }> {
    if (handling.action !== 'agent') return { handling };
    const resolved = await withRegisteredTools(this.options.tools, handling.agent);
    return 'agent' in resolved
      ? { handling: { ...handling, agent: resolved.agent } }
      : { problem: resolved.problems.join('; ') };
  }

  private async ask(
    route: StoredInboundRoute,
    call: CallRecord,
    deadline: AbortSignal,
  ): Promise<{ handling: InboundHandling } | { problem: string }> {
    const { deadlineMs } = this.options;
    const history = await callerHistory(this.options.store, call.from, call.id);
    const request: IncomingCallRequest = {
      callId: call.id,
      from: call.from,
      to: call.to,
      callerName: call.callerName ?? null,
      history,
      deadlineMs,
    };
    const target = { url: route.url, secret: route.secret, timeoutMs: deadlineMs, called: 'the inbound route' };
    const reply = await postSignedJson(this.options.fetch, target, request, `${call.id}:route`, deadline);
    if ('error' in reply) return { problem: deadline.aborted ? `no answer within ${deadlineMs} ms` : reply.error };
    const read = readHandling(this.options.handlingSchema, reply.result);
    return 'handling' in read ? this.withTools(read.handling) : read;
  }

  private async apply(call: CallRecord, chosen: InboundHandling, log: Logger): Promise<string> {
    const { store, lifecycle } = this.options;
    let handling = chosen;
    if (handling.action === 'agent' && !this.options.agentMode) {
      log.warn('an inbound call was to be answered by the agent, but agent mode is not configured');
      handling = { action: 'reject', message: POLITE_REFUSAL };
    }
    const updated = await store.updateCall(call.id, (stored) => ({
      ...stored,
      metadata: handling.metadata ?? {},
      ...(handling.action === 'agent'
        ? {
            agent: handling.agent,
            language: handling.agent.language ?? 'en-US',
            maxDurationSec: handling.maxDurationSec ?? stored.maxDurationSec,
          }
        : {
            connectTo: handling.action === 'forward' ? handling.to : null,
            requestedEndReason: handling.action === 'forward' ? ('forwarded' as const) : ('rejected' as const),
          }),
    }));
    const stored = updated?.call ?? call;
    const at = new Date().toISOString();
    if (handling.action === 'agent') this.options.onAgentCall(stored);
    await lifecycle.observe(call.id, { status: 'in-progress', at, twilioCallSid: call.twilioCallSid ?? undefined });
    // A forward or a refusal ends the call for the bridge now: the rest is Twilio's.
    if (handling.action !== 'agent') await lifecycle.observe(call.id, { status: 'completed', at, durationSec: 0 });
    return handling.action === 'reject' ? refusalTwiml(handling.message ?? POLITE_REFUSAL) : this.twimlFor(stored);
  }

  /** The TwiML for a stored inbound call: its stream, its forward, or the refusal. */
  private twimlFor(call: CallRecord): string {
    if (call.requestedEndReason === 'forwarded' && call.connectTo)
      return forwardTwiml(call.connectTo, call.ringTimeoutSec);
    if (call.agent && call.requestedEndReason === null)
      return agentTwiml(mediaStreamUrl(this.options.publicUrl()), { callId: call.id, streamToken: call.streamToken });
    return refusalTwiml(POLITE_REFUSAL);
  }
}
