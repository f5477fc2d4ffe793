import type { LiveFeed } from '../delivery/live-feed';
import type { Logger } from '../shared/logger';
import type { BridgeMetrics } from '../shared/metrics';
import type { InboundMessage } from '../twilio/media-stream-codec';
import type { EndReason } from '../shared/wire-types';
import type { CallRecord } from '../model/call-record';
import type { CallLifecycle } from './call-lifecycle';
import type { MediaOutput, ModeHandler, ModeHandlerFactory } from './media-port';

/**
 * One call's media stream on this bridge instance: owns the mode handler, the transcript clock
 * and the max-duration timer, and reports the stream's end to the call service.
 */
export class CallSession {
  private readonly handler: ModeHandler;
  private readonly startedAt = performance.now();
  private readonly maxDurationTimer: NodeJS.Timeout;
  private finishing?: Promise<void>;

  constructor(
    readonly call: CallRecord,
    readonly streamSid: string,
    private readonly callSid: string,
    output: MediaOutput,
    private readonly calls: CallLifecycle,
    factory: ModeHandlerFactory,
    private readonly log: Logger,
    live?: LiveFeed,
    metrics?: BridgeMetrics,
  ) {
    this.handler = factory({
      call,
      streamSid,
      output,
      log,
      metrics,
      elapsedMs: () => performance.now() - this.startedAt,
      addTranscript: async (entries) => {
        await this.calls.addTranscript(call.id, entries);
      },
      endCall: (reason) => this.endCall(reason),
      interim: (speaker, text, startMs) =>
        live?.interim({ callId: call.id, speaker, text, startMs: Math.round(startMs) }),
    });
    const answeredAt = call.answeredAt ? Date.parse(call.answeredAt) : Date.now();
    const remainingMs = Math.max(0, answeredAt + call.maxDurationSec * 1000 - Date.now());
    this.maxDurationTimer = setTimeout(() => void this.endCall('max-duration'), remainingMs);
  }

  handle(message: InboundMessage): void {
    switch (message.event) {
      case 'media':
        this.handler.media(message.track, message.audio, message.timestampMs);
        break;
      case 'mark':
        this.handler.mark(message.name);
        break;
      case 'dtmf':
        // Which key is never logged: callers type PINs and card numbers.
        this.log.info('keypad key pressed');
        this.handler.dtmf(message.digit);
        break;
      case 'stop':
        void this.finish();
        break;
      default:
        this.log.warn({ event: message.event }, 'dropped a second start/connected message');
    }
  }

  async endCall(reason: EndReason): Promise<void> {
    try {
      await this.calls.endCall(this.call.id, reason, this.callSid);
    } catch (error) {
      this.log.error({ err: error, reason }, 'could not end the call');
    }
  }

  /** Idempotent: the stream's `stop`, a closed socket and shutdown all end up here. */
  finish(): Promise<void> {
    this.finishing ??= (async () => {
      clearTimeout(this.maxDurationTimer);
      try {
        await this.handler.finish();
      } catch (error) {
        this.log.error({ err: error }, 'mode handler failed while finishing');
      }
      await this.calls.mediaFinished(this.call.id);
      this.log.info('media stream finished');
    })();
    return this.finishing;
  }
}
