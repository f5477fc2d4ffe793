import twilio from 'twilio';
import { BridgeError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { TwilioSettings } from '../config/load-config';

/** Twilio errors that mean "that call has already ended", which for a hang-up is success. */
const ALREADY_ENDED = new Set([20404, 21220]);

export interface OutboundCall {
  to: string;
  from: string;
  twiml: string;
  statusCallbackUrl: string;
  ringTimeoutSec: number;
  timeLimitSec: number;
  /** Set: the call is recorded in two channels, and Twilio posts the recording's status here. */
  recordingStatusCallbackUrl?: string;
  /** Asynchronous answering-machine detection, reported to this URL. */
  amdCallbackUrl?: string;
}

/** The part of Twilio the bridge uses: place a call, end a call, redirect a live call. */
export interface Carrier {
  placeCall(call: OutboundCall): Promise<{ sid: string }>;
  /** Ends a call, ringing or answered. "Already ended" counts as done. */
  endCall(sid: string): Promise<void>;
  /** Gives a live call new TwiML (a transfer's `<Dial>`); what it was doing stops, its stream too. */
  redirectCall(sid: string, twiml: string): Promise<void>;
}

interface TwilioFailure {
  status?: number;
  code?: number;
  message?: string;
}

function asFailure(error: unknown): TwilioFailure {
  return typeof error === 'object' && error !== null ? (error as TwilioFailure) : {};
}

/** Twilio still answered 429 after the SDK's own retries: the caller may try again after this. */
const RATE_LIMITED_RETRY_AFTER_SEC = 5;

function toBridgeError(error: unknown, log: Logger): BridgeError {
  const failure = asFailure(error);
  const twilioError = failure.code ? ` (Twilio error ${failure.code})` : '';
  if (failure.status === 401) {
    // Not the call's fault: every call will fail until the configuration is fixed.
    log.error(
      { twilioError: failure.code },
      'Twilio refused the credentials (HTTP 401): check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN; no call can be placed',
    );
    return new BridgeError('CARRIER_AUTH_FAILED');
  }
  if (failure.status === 429) {
    const limited = new BridgeError(
      'CARRIER_UNAVAILABLE',
      `Twilio is limiting requests${twilioError}; try again shortly.`,
    );
    limited.retryAfterSec = RATE_LIMITED_RETRY_AFTER_SEC;
    return limited;
  }
  if (typeof failure.status === 'number' && failure.status >= 400 && failure.status < 500) {
    return new BridgeError(
      'CARRIER_REJECTED',
      `Twilio refused the call: ${failure.message ?? 'no reason given'}${twilioError}.`,
    );
  }
  return new BridgeError('CARRIER_UNAVAILABLE', `Twilio could not be reached: ${failure.message ?? String(error)}.`);
}

/** The real twilio SDK; `apiBaseUrl` points it at a proxy or the sandbox carrier. */
export class TwilioRestCarrier implements Carrier {
  private readonly client: twilio.Twilio;

  constructor(
    settings: TwilioSettings,
    private readonly log: Logger,
  ) {
    this.client = twilio(settings.accountSid, settings.authToken, { autoRetry: true, maxRetries: 3, timeout: 15_000 });
    if (settings.apiBaseUrl) this.client.api.baseUrl = settings.apiBaseUrl;
  }

  async placeCall(call: OutboundCall): Promise<{ sid: string }> {
    try {
      const created = await this.client.calls.create({
        to: call.to,
        from: call.from,
        twiml: call.twiml,
        statusCallback: call.statusCallbackUrl,
        statusCallbackMethod: 'POST',
        statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
        timeout: call.ringTimeoutSec,
        timeLimit: call.timeLimitSec,
        ...(call.recordingStatusCallbackUrl
          ? {
              record: true,
              recordingChannels: 'dual',
              recordingStatusCallback: call.recordingStatusCallbackUrl,
              recordingStatusCallbackMethod: 'POST',
              recordingStatusCallbackEvent: ['completed', 'absent'],
            }
          : {}),
        ...(call.amdCallbackUrl
          ? {
              machineDetection: 'Enable',
              asyncAmd: 'true',
              asyncAmdStatusCallback: call.amdCallbackUrl,
              asyncAmdStatusCallbackMethod: 'POST',
            }
          : {}),
      });
      return { sid: created.sid };
    } catch (error) {
      throw toBridgeError(error, this.log);
    }
  }

  async endCall(sid: string): Promise<void> {
    try {
      // `completed` hangs up in any state; `canceled` would leave an answered call running.
      await this.client.calls(sid).update({ status: 'completed' });
    } catch (error) {
      if (ALREADY_ENDED.has(asFailure(error).code ?? 0)) return;
      throw toBridgeError(error, this.log);
    }
  }

  async redirectCall(sid: string, twiml: string): Promise<void> {
    try {
      await this.client.calls(sid).update({ twiml });
    } catch (error) {
      throw toBridgeError(error, this.log);
    }
  }
}
