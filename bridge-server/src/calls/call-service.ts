import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from '../logger';
import { BridgeError } from '../errors';
import { callEvent, type EventPublisher } from '../delivery/event-publisher';
import type { CallStore, NewTranscriptEntry } from '../store/call-store';
import type { Carrier } from '../twilio/twilio-rest-client';
import { agentTwiml, transcribeTwiml } from '../twilio/twiml';
import { mediaStreamUrl } from '../twilio/twilio-signature';
import type { AnsweredBy, CallMode, CallResource, EndReason, PlaceCallRequest, TranscriptEntry } from '../wire-types';
import { isTerminal, toResource, type CallRecord } from './call-record';
import { LIMITS, parsePlaceCallRequest } from './call-request';
import { applyAnsweredBy, applyStatus, requestEnd, type StatusObservation } from './call-state';

export interface CallServiceOptions {
  store: CallStore;
  carrier: Carrier;
  events: EventPublisher;
  log: Logger;
  publicUrl: string;
  defaultFrom: string;
  modes: ReadonlySet<CallMode>;
  /** Called once a call is stored and before it is dialled: agent mode opens Gemini while it rings. */
  onCallPlaced?: (call: CallRecord) => void;
  /** How long `call.ended` waits for a media stream to flush its last transcript. */
  mediaFinishGraceMs?: number;
}

export function newCallId(): string {
  return `call_${randomBytes(12).toString('hex')}`;
}

function fingerprint(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

/**
 * The calls API and Twilio's callbacks, over the store: placing, reading and ending calls, the
 * state machine's transitions, and the events each transition emits.
 */
export class CallService {
  private accepting = true;
  private readonly finishTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: CallServiceOptions) {}

  get acceptingCalls(): boolean {
    return this.accepting;
  }

  stopAccepting(): void {
    this.accepting = false;
  }

  async placeCall(body: unknown, idempotencyKey?: string): Promise<{ call: CallResource; replayed: boolean }> {
    if (!this.accepting) throw new BridgeError('SHUTTING_DOWN');
    const request = parsePlaceCallRequest(body);
    if (!this.options.modes.has(request.mode)) {
      throw new BridgeError('MODE_NOT_CONFIGURED', `This bridge is not configured for ${request.mode} mode (${request.mode === 'agent' ? 'set GEMINI_API_KEY' : 'set GOOGLE_APPLICATION_CREDENTIALS or GOOGLE_STT_ENDPOINT'}).`);
    }
    const record = this.newRecord(request);
    const claim = idempotencyKey ? { key: idempotencyKey, fingerprint: fingerprint(body) } : undefined;
    const created = await this.options.store.createCall(record, claim);
    if (created.outcome === 'conflict') throw new BridgeError('IDEMPOTENCY_KEY_REUSED');
    if (created.outcome === 'replayed') return { call: await this.resource(created.call), replayed: true };

    const log = this.options.log.child({ callId: record.id });
    log.info({ mode: record.mode }, 'call placed');
    this.options.onCallPlaced?.(record);
    try {
      const { sid } = await this.options.carrier.placeCall(this.outboundCall(record));
      await this.options.store.updateCall(record.id, (call) => (call.twilioCallSid ? undefined : { ...call, twilioCallSid: sid }));
    } catch (error) {
      log.warn({ err: error }, 'Twilio did not place the call');
      await this.observe(record.id, { status: 'failed', at: new Date().toISOString() });
      throw error;
    }
    return { call: await this.getCall(record.id), replayed: false };
  }

  private newRecord(request: PlaceCallRequest): CallRecord {
    return {
      id: newCallId(),
      twilioCallSid: null,
      mode: request.mode,
      to: request.to,
      from: request.from ?? this.options.defaultFrom,
      connectTo: request.connectTo ?? null,
      status: 'queued',
      answeredBy: null,
      endReason: null,
      createdAt: new Date().toISOString(),
      answeredAt: null,
      endedAt: null,
      durationSec: null,
      metadata: request.metadata ?? {},
      agent: request.agent ?? null,
      language: request.agent?.language ?? request.transcribe?.language ?? 'en-US',
      maxDurationSec: request.maxDurationSec ?? LIMITS.maxDurationSec.default,
      ringTimeoutSec: request.ringTimeoutSec ?? LIMITS.ringTimeoutSec.default,
      machineDetection: request.machineDetection ?? 'off',
      record: request.record ?? false,
      requestedEndReason: null,
      media: 'none',
      endedEventSent: false,
      version: 1,
    };
  }

  private outboundCall(call: CallRecord) {
    const { publicUrl } = this.options;
    const streamUrl = mediaStreamUrl(publicUrl);
    const twiml =
      call.mode === 'agent'
        ? agentTwiml(streamUrl, call.id)
        : transcribeTwiml(streamUrl, call.id, { connectTo: call.connectTo ?? '', callerId: call.from, ringTimeoutSec: call.ringTimeoutSec });
    return {
      to: call.to,
      from: call.from,
      twiml,
      statusCallbackUrl: `${publicUrl}/twilio/status?callId=${call.id}`,
      ringTimeoutSec: call.ringTimeoutSec,
      timeLimitSec: call.maxDurationSec,
      record: call.record,
      amdCallbackUrl: call.machineDetection === 'off' ? undefined : `${publicUrl}/twilio/amd?callId=${call.id}`,
    };
  }

  async getCall(id: string): Promise<CallResource> {
    const call = await this.options.store.getCall(id);
    if (!call) throw new BridgeError('CALL_NOT_FOUND', `No call has the id ${JSON.stringify(id)}.`);
    return this.resource(call);
  }

  async getRecord(id: string): Promise<CallRecord | undefined> {
    return this.options.store.getCall(id);
  }

  async listCalls(filter: { status?: 'active' | 'ended'; limit: number }): Promise<CallResource[]> {
    const calls = await this.options.store.listCalls(filter);
    return Promise.all(calls.map((call) => this.resource(call)));
  }

  private async resource(call: CallRecord): Promise<CallResource> {
    return toResource(call, await this.options.store.getTranscript(call.id));
  }

  /** `POST /v1/calls/:id/hangup`; a call that has already ended is returned as it is. */
  async hangup(id: string): Promise<CallResource> {
    const call = await this.options.store.getCall(id);
    if (!call) throw new BridgeError('CALL_NOT_FOUND', `No call has the id ${JSON.stringify(id)}.`);
    if (!isTerminal(call.status)) await this.endCall(id, 'api-hangup');
    return this.getCall(id);
  }

  /** Asks Twilio to end the call and remembers why (the first reason given wins). */
  async endCall(id: string, reason: EndReason): Promise<void> {
    const updated = await this.options.store.updateCall(id, (call) => requestEnd(call, reason));
    if (!updated || isTerminal(updated.call.status)) return;
    const sid = updated.call.twilioCallSid;
    if (!sid) {
      // Not yet accepted by Twilio: nothing to hang up; the call is over before it began.
      await this.observe(id, { status: 'canceled', at: new Date().toISOString() });
      return;
    }
    this.options.log.info({ callId: id, reason }, 'ending call');
    await this.options.carrier.endCall(sid);
  }

  /** A status seen by Twilio (status callback) or by the bridge itself. */
  async observe(id: string, observation: StatusObservation): Promise<CallRecord | undefined> {
    const updated = await this.options.store.updateCall(id, (call) => applyStatus(call, observation));
    if (!updated) return undefined;
    const { call, changed } = updated;
    if (changed && call.status === observation.status) {
      this.options.log.info({ callId: id, status: call.status, endReason: call.endReason }, 'call status');
      await this.options.events.publish(callEvent('call.status', await this.resource(call)));
      if (isTerminal(call.status)) await this.maybeEmitEnded(id);
      if (isTerminal(call.status) && call.media === 'streaming') this.scheduleForcedFinish(id);
    }
    return call;
  }

  async onAnsweredBy(id: string, answeredBy: AnsweredBy): Promise<void> {
    const updated = await this.options.store.updateCall(id, (call) => applyAnsweredBy(call, answeredBy));
    if (!updated) return;
    this.options.log.info({ callId: id, answeredBy }, 'answering machine detection');
    const { call } = updated;
    if (answeredBy !== 'human' && answeredBy !== 'unknown' && call.machineDetection === 'hangup') await this.endCall(id, 'machine');
  }

  /** The media stream started on this instance. */
  async mediaStarted(id: string): Promise<void> {
    await this.options.store.updateCall(id, (call) => (call.media === 'none' ? { ...call, media: 'streaming' } : undefined));
  }

  /** The media stream is over and its last transcript entries are stored. */
  async mediaFinished(id: string): Promise<void> {
    await this.options.store.updateCall(id, (call) => (call.media === 'finished' ? undefined : { ...call, media: 'finished' }));
    await this.maybeEmitEnded(id);
  }

  /** Stores final transcript entries and emits one `call.transcript` event for each. */
  async addTranscript(id: string, entries: NewTranscriptEntry[]): Promise<TranscriptEntry[]> {
    const stored = await this.options.store.appendTranscript(id, entries);
    if (stored.length === 0) return stored;
    const call = await this.options.store.getCall(id);
    if (!call) return stored;
    for (const entry of stored) await this.options.events.publish(callEvent('call.transcript', toResource(call, [entry]), entry));
    return stored;
  }

  /** `call.ended` goes out once, when the call has ended and its media (if any) has finished. */
  private async maybeEmitEnded(id: string): Promise<void> {
    const updated = await this.options.store.updateCall(id, (call) =>
      isTerminal(call.status) && call.media !== 'streaming' && !call.endedEventSent ? { ...call, endedEventSent: true } : undefined,
    );
    if (!updated?.changed) return;
    await this.options.events.publish(callEvent('call.ended', await this.resource(updated.call)));
  }

  /** If the instance holding the media stream never reports back (it died), end the wait. */
  private scheduleForcedFinish(id: string): void {
    const timer = setTimeout(() => {
      this.finishTimers.delete(timer);
      this.mediaFinished(id).catch((error: unknown) => this.options.log.error({ err: error, callId: id }, 'could not finish call'));
    }, this.options.mediaFinishGraceMs ?? 15_000);
    timer.unref();
    this.finishTimers.add(timer);
  }

  close(): void {
    for (const timer of this.finishTimers) clearTimeout(timer);
    this.finishTimers.clear();
  }
}
