import { randomBytes } from 'node:crypto';
import type { Logger } from '../shared/logger';
import type { CallStore } from '../store/call-store';
import type { Carrier } from '../twilio/twilio-rest-client';
import { mediaStreamUrl } from '../twilio/twilio-signature';
import { agentTwiml, hangupTwiml, transferTwiml, whisperTwiml } from '../twilio/twiml';
import type { TransferOutcome } from '../shared/wire-types';
import { isTerminal, type CallRecord } from '../model/call-record';
import type { CallLifecycle } from './call-lifecycle';

export interface CallTransfersOptions {
  store: CallStore;
  carrier: Carrier;
  lifecycle: CallLifecycle;
  publicUrl: () => string;
  log: Logger;
}

const NOT_REACHED: Record<string, TransferOutcome['outcome'] | undefined> = {
  'no-answer': 'no-answer',
  busy: 'busy',
  failed: 'failed',
  canceled: 'no-answer',
};

/**
 * Handing a live agent call to a person. The call is redirected to TwiML `<Dial>` (its media
 * stream ends, and the conversation stores its transcript). Cold: the call has left the bridge
 * at once. Warm: the person hears the agent's summary when they answer (`<Number url>`), and
 * the call leaves the bridge then; if nobody answers, the dial's action brings the caller back
 * to the agent on a new stream, which is told what happened.
 */
export class CallTransfers {
  constructor(private readonly options: CallTransfersOptions) {}

  async start(call: CallRecord, callSid: string, summary: string | undefined): Promise<void> {
    const settings = call.agent?.transfer;
    if (!settings) return;
    const mode = settings.mode ?? 'cold';
    const { publicUrl, carrier, log } = this.options;
    await this.record(call.id, {
      to: settings.to,
      mode,
      outcome: 'connecting',
      ...(mode === 'warm' ? { summary: summary ?? '' } : {}),
    });
    const base = publicUrl();
    const twiml = transferTwiml({
      to: settings.to,
      callerId: call.from,
      ringTimeoutSec: call.ringTimeoutSec,
      ...(mode === 'warm'
        ? {
            actionUrl: `${base}/twilio/transfer?callId=${call.id}`,
            whisperUrl: `${base}/twilio/whisper?callId=${call.id}`,
          }
        : {}),
    });
    try {
      await carrier.redirectCall(callSid, twiml);
    } catch (error) {
      log.error({ err: error, callId: call.id }, 'Twilio did not take the transfer; ending the call');
      await this.record(call.id, { to: settings.to, mode, outcome: 'failed' });
      await this.options.lifecycle.endCall(call.id, 'error', callSid);
      return;
    }
    log.info({ callId: call.id, mode }, 'call transferred to a person');
    if (mode === 'cold') await this.leftBridge(call.id);
  }

  /** A warm transfer's person answered: they hear the summary, then the two are connected. */
  async whisper(callId: string): Promise<string> {
    const call = await this.options.store.getCall(callId);
    const transfer = call?.transfer;
    if (!call || !transfer) return hangupTwiml();
    await this.leftBridge(callId);
    return whisperTwiml(transfer.summary || 'Connecting a caller transferred by the voice agent.');
  }

  /**
   * A warm transfer's dial ended. Not reached: the caller goes back to the agent (a new media
   * stream, with a fresh token). Otherwise the bridged call is over: hang up.
   */
  async dialEnded(callId: string, dialStatus: string): Promise<string> {
    const outcome = NOT_REACHED[dialStatus];
    const call = await this.options.store.getCall(callId);
    if (!outcome || !call?.transfer || isTerminal(call.status)) return hangupTwiml();
    const streamToken = randomBytes(16).toString('hex');
    const updated = await this.options.store.updateCall(callId, (current) =>
      current.transfer
        ? { ...current, transfer: { ...current.transfer, outcome }, media: 'none', streamToken }
        : undefined,
    );
    if (!updated) return hangupTwiml();
    this.options.log.info({ callId, dialStatus }, 'the transfer was not answered; the caller is back with the agent');
    return agentTwiml(mediaStreamUrl(this.options.publicUrl()), { callId, streamToken });
  }

  private async record(callId: string, transfer: TransferOutcome): Promise<void> {
    await this.options.store.updateCall(callId, (call) => ({ ...call, transfer }));
  }

  /** The call is the person's now: it ends for the bridge with `transferred`. */
  private async leftBridge(callId: string): Promise<void> {
    await this.options.store.updateCall(callId, (call) =>
      call.transfer
        ? { ...call, transfer: { ...call.transfer, outcome: 'connected' }, requestedEndReason: 'transferred' }
        : undefined,
    );
    await this.options.lifecycle.observe(callId, { status: 'completed', at: new Date().toISOString() });
  }
}
