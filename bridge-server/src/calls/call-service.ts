import { createHash } from 'node:crypto';
import { BridgeError } from '../shared/errors';
import { newId } from '../shared/ids';
import type { Logger } from '../shared/logger';
import type { CallStore } from '../store/call-store';
import type { CallQuery } from '../store/call-query';
import type { AgentSettings, CallMode, CallResource, CallSettings, PlaceCallRequest } from '../shared/wire-types';
import type { CallLifecycle } from './call-lifecycle';
import { isTerminal, type CallRecord } from '../model/call-record';
import { LIMITS } from './call-request';
import { newCallRecord } from './new-call-record';
import type { OutboundDialer } from './outbound-dialer';
import { withRegisteredTools } from './registered-tools';
import type { ToolRegistry } from '../store/tool-registry';
import type { CallArchive } from '../history/call-archive';

export interface CallServiceOptions {
  store: CallStore;
  /** Dials stored calls, each in its pacing slot. */
  dialer: OutboundDialer;
  lifecycle: CallLifecycle;
  log: Logger;
  defaultFrom: string;
  modes: ReadonlySet<CallMode>;
  /** Validates `POST /v1/calls` (URLs by the target policy). */
  parseRequest: (body: unknown) => PlaceCallRequest;
  /** Tools registered with the bridge, for `agent.registeredTools`. */
  tools: ToolRegistry;
  /** The PostgreSQL archive (DATABASE_URL): lists and searches every call, and has calls the store has let go. */
  archive?: CallArchive;
}

/** A call's agent settings as the API shows them: no tool secrets, no MCP headers (they carry credentials). */
function publicAgentSettings(agent: AgentSettings): AgentSettings {
  return {
    ...agent,
    ...(agent.tools ? { tools: agent.tools.map(({ secret: _secret, ...tool }) => tool) } : {}),
    ...(agent.mcpServers
      ? {
          mcpServers: agent.mcpServers.map(({ url, headers }) => ({
            url,
            ...(headers ? { headers: redactedHeaders(headers) } : {}),
          })),
        }
      : {}),
  };
}

function redactedHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(headers).map((name) => [name, '(redacted)']));
}

function fingerprint(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

/**
 * The calls API over the store: placing, reading, listing and hanging up calls. What happens to
 * a call once placed is the lifecycle's.
 */
export class CallService {
  private accepting = true;

  constructor(private readonly options: CallServiceOptions) {}

  get acceptingCalls(): boolean {
    return this.accepting;
  }

  stopAccepting(): void {
    this.accepting = false;
  }

  async placeCall(body: unknown, idempotencyKey?: string): Promise<{ call: CallResource; replayed: boolean }> {
    if (!this.accepting) throw new BridgeError('SHUTTING_DOWN');
    const request = await this.withRegisteredTools(this.options.parseRequest(body));
    if (!this.options.modes.has(request.mode)) {
      throw new BridgeError(
        'MODE_NOT_CONFIGURED',
        `This bridge is not configured for ${request.mode} mode (${request.mode === 'agent' ? 'set GEMINI_API_KEY' : 'set GOOGLE_APPLICATION_CREDENTIALS or GOOGLE_STT_ENDPOINT'}).`,
      );
    }
    // The analysis is Gemini's (a text model), so it needs the same key as agent mode.
    if (request.analysis && !this.options.modes.has('agent')) throw new BridgeError('ANALYSIS_NOT_CONFIGURED');
    const record = this.newRecord(request);
    const claim = idempotencyKey ? { key: idempotencyKey, fingerprint: fingerprint(body) } : undefined;
    const created = await this.options.store.createCall(record, claim);
    if (created.outcome === 'conflict') throw new BridgeError('IDEMPOTENCY_KEY_REUSED');
    if (created.outcome === 'replayed')
      return { call: await this.options.lifecycle.resource(created.call), replayed: true };

    const log = this.options.log.child({ callId: record.id });
    log.info({ mode: record.mode }, 'call placed');
    this.options.lifecycle.owned.add(record.id);
    await this.options.dialer.dial(record);
    return { call: await this.getCall(record.id), replayed: false };
  }

  /** `agent.registeredTools` resolved into the call's own tools (as registered now); unknown names are a 400. */
  private async withRegisteredTools(request: PlaceCallRequest): Promise<PlaceCallRequest> {
    if (!request.agent) return request;
    const resolved = await withRegisteredTools(this.options.tools, request.agent);
    if ('problems' in resolved)
      throw new BridgeError(
        'VALIDATION_FAILED',
        `Invalid call request: ${resolved.problems.join('; ')}.`,
        resolved.problems.map((problem) => ({ field: 'agent.registeredTools', problem })),
      );
    return { ...request, agent: resolved.agent };
  }

  private newRecord(request: PlaceCallRequest): CallRecord {
    return newCallRecord({
      id: newId('call'),
      mode: request.mode,
      to: request.to,
      from: request.from ?? this.options.defaultFrom,
      connectTo: request.connectTo ?? null,
      metadata: request.metadata ?? {},
      agent: request.agent ?? null,
      language: request.agent?.language ?? request.transcribe?.language ?? 'en-US',
      ...(request.transcribe?.labels && Object.keys(request.transcribe.labels).length > 0
        ? { labels: request.transcribe.labels }
        : {}),
      maxDurationSec: request.maxDurationSec ?? LIMITS.maxDurationSec.default,
      ringTimeoutSec: request.ringTimeoutSec ?? LIMITS.ringTimeoutSec.default,
      machineDetection: request.machineDetection ?? 'off',
      record: request.record ?? false,
      ...(request.analysis ? { analysisRequest: request.analysis } : {}),
      instance: this.options.lifecycle.instance,
    });
  }

  async getCall(id: string): Promise<CallResource> {
    const call = await this.options.store.getCall(id);
    if (call) return this.options.lifecycle.resource(call);
    // The store keeps ended calls 30 days; the archive, for as long as its retention says.
    const archived = await this.options.archive?.getCall(id);
    if (!archived) throw new BridgeError('CALL_NOT_FOUND', `No call has the id ${JSON.stringify(id)}.`);
    return archived;
  }

  async getRecord(id: string): Promise<CallRecord | undefined> {
    return this.options.store.getCall(id);
  }

  /**
   * Live calls come from the store (the archive follows a moment behind); everything else from
   * the archive when there is one, else from the store's recent calls.
   */
  async listCalls(query: CallQuery): Promise<{ calls: CallResource[]; nextCursor: string | null }> {
    if (this.options.archive && query.status !== 'active') {
      const archived = await this.options.archive.search(query);
      return { calls: archived.calls, nextCursor: archived.nextCursor ?? null };
    }
    const page = await this.options.store.listCalls(query);
    return {
      calls: await Promise.all(page.calls.map((call) => this.options.lifecycle.resource(call))),
      nextCursor: page.nextCursor ?? null,
    };
  }

  /** What the call was placed with (prompt, greeting, options): `GET /v1/calls/:id/settings`. */
  async getSettings(id: string): Promise<CallSettings> {
    const call = await this.options.store.getCall(id);
    if (!call) throw new BridgeError('CALL_NOT_FOUND', `No call has the id ${JSON.stringify(id)}.`);
    return {
      id: call.id,
      mode: call.mode,
      agent: call.agent ? publicAgentSettings(call.agent) : null,
      language: call.language,
      labels: call.labels ?? null,
      maxDurationSec: call.maxDurationSec,
      ringTimeoutSec: call.ringTimeoutSec,
      machineDetection: call.machineDetection,
      record: call.record,
      analysis: call.analysisRequest ?? null,
    };
  }

  /** `POST /v1/calls/:id/hangup`; a call that has already ended is returned as it is. */
  async hangup(id: string): Promise<CallResource> {
    const call = await this.options.store.getCall(id);
    if (!call) throw new BridgeError('CALL_NOT_FOUND', `No call has the id ${JSON.stringify(id)}.`);
    if (!isTerminal(call.status)) await this.options.lifecycle.endCall(id, 'api-hangup');
    return this.getCall(id);
  }
}
