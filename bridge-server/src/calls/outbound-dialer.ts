import type { CallRecord } from '../model/call-record';
import { isTerminal } from '../model/call-record';
import type { Logger } from '../shared/logger';
import type { CallStore } from '../store/call-store';
import type { DialSlots } from '../store/dial-slots';
import type { Carrier, OutboundCall } from '../twilio/twilio-rest-client';
import { agentTwiml, transcribeTwiml } from '../twilio/twiml';
import { mediaStreamUrl } from '../twilio/twilio-signature';
import type { CallLifecycle } from './call-lifecycle';

export interface OutboundDialerOptions {
  store: CallStore;
  carrier: Carrier;
  lifecycle: CallLifecycle;
  log: Logger;
  publicUrl: () => string;
  /** Pacing (TWILIO_CALLS_PER_SECOND); absent: every call is dialled at once. */
  slots?: DialSlots;
  /** Just before a call is dialled: agent mode opens Gemini while it rings. */
  onDialling?: (call: CallRecord) => void;
}

/**
 * Dials stored calls through the carrier, each in its pacing slot. A call whose slot is now is
 * dialled before `dial` returns, and Twilio's refusal is thrown to the API's caller; a later slot
 * leaves the call `queued` and dials it then (a refusal then fails the call, with its events).
 */
export class OutboundDialer {
  /** performance.now() when this instance last sent a dial to the carrier. */
  private lastSentAt = -Infinity;

  constructor(private readonly options: OutboundDialerOptions) {}

  async dial(call: CallRecord): Promise<void> {
    const waitMs = (await this.options.slots?.reserve()) ?? 0;
    if (waitMs <= 0) return this.dialNow(call);
    this.options.log.info({ callId: call.id, waitMs }, 'call queued for its dial slot');
    setTimeout(() => void this.dialQueued(call.id), waitMs).unref();
  }

  private async dialQueued(id: string): Promise<void> {
    try {
      const call = await this.options.store.getCall(id);
      // Hung up (or the bridge drained) while it waited, or taken on by another instance (this one
      // stalled so long it counted as dead): nothing to dial here.
      if (!call || call.twilioCallSid || isTerminal(call.status) || call.requestedEndReason) return;
      if (call.instance && call.instance !== this.options.lifecycle.instance) return;
      await this.dialNow(call);
    } catch (error) {
      this.options.log.error({ err: error, callId: id }, 'a queued call could not be dialled');
    }
  }

  private async dialNow(call: CallRecord): Promise<void> {
    const { carrier, store, lifecycle, log } = this.options;
    this.options.onDialling?.(call);
    try {
      await this.spacedFromLastSend();
      const { sid } = await carrier.placeCall(this.outboundCall(call));
      await store.updateCall(call.id, (stored) =>
        stored.twilioCallSid ? undefined : { ...stored, twilioCallSid: sid },
      );
    } catch (error) {
      log.warn({ err: error, callId: call.id }, 'Twilio did not place the call');
      await lifecycle.observe(call.id, { status: 'failed', at: new Date().toISOString() });
      throw error;
    }
  }

  /**
   * Slots are taken when a call is placed; the work between a slot and the send (reading the
   * call, building its TwiML) varies, so a late dial could crowd the next. Here each send also
   * waits until a whole interval has passed since this instance's last one.
   */
  private async spacedFromLastSend(): Promise<void> {
    const interval = this.options.slots?.intervalMs;
    if (!interval) return;
    for (let wait = this.lastSentAt + interval - performance.now(); wait > 0;) {
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = this.lastSentAt + interval - performance.now();
    }
    this.lastSentAt = performance.now();
  }

  private outboundCall(call: CallRecord): OutboundCall {
    const publicUrl = this.options.publicUrl();
    const streamUrl = mediaStreamUrl(publicUrl);
    const binding = { callId: call.id, streamToken: call.streamToken };
    const twiml =
      call.mode === 'agent'
        ? agentTwiml(streamUrl, binding)
        : transcribeTwiml(streamUrl, binding, {
            connectTo: call.connectTo ?? '',
            callerId: call.from,
            ringTimeoutSec: call.ringTimeoutSec,
            dialActionUrl: `${publicUrl}/twilio/dial?callId=${call.id}`,
          });
    return {
      to: call.to,
      from: call.from,
      twiml,
      statusCallbackUrl: `${publicUrl}/twilio/status?callId=${call.id}`,
      ringTimeoutSec: call.ringTimeoutSec,
      timeLimitSec: call.maxDurationSec,
      recordingStatusCallbackUrl: call.record ? `${publicUrl}/twilio/recording-status?callId=${call.id}` : undefined,
      amdCallbackUrl: call.machineDetection === 'off' ? undefined : `${publicUrl}/twilio/amd?callId=${call.id}`,
    };
  }
}
