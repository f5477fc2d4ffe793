import type { LiveFeed } from '../delivery/live-feed';
import type { Logger } from '../shared/logger';
import type { BridgeMetrics } from '../shared/metrics';
import type { MediaTrack } from '../model/media-track';
import type { EndReason } from '../shared/wire-types';
import type { CallRecord } from '../model/call-record';
import { MediaTimeline, SILENT_FRAME } from '../twilio/media-timeline';
import type { MediaSink } from '../twilio/telephony-output';
import type { CallLifecycle } from './call-lifecycle';
import type { CallTransfers } from './call-transfers';
import type { Conversation, ConversationFactory, StreamHandle } from './media-port';

export interface MediaStreamSessionParts {
  call: CallRecord;
  /** Hands the call to a person (an agent's `transfer_call`). */
  transfers?: CallTransfers;
  streamSid: string;
  callSid: string;
  sink: MediaSink;
  lifecycle: CallLifecycle;
  conversation: ConversationFactory;
  log: Logger;
  live?: LiveFeed;
  metrics?: BridgeMetrics;
  /** Told once the stream has finished and its end is recorded. */
  onFinished?: () => void;
}

/**
 * One call's media stream on this bridge instance: owns the conversation, the transcript clock
 * and the max-duration timer, and reports the stream's end to the call lifecycle.
 */
export class MediaStreamSession implements StreamHandle {
  private readonly conversation: Conversation;
  private readonly startedAt: number;
  private readonly maxDurationTimer: NodeJS.Timeout;
  private finishing?: Promise<void>;
  /** Gaps in each track's media are filled with silence, so both stay time-true. */
  private readonly timelines = { inbound: new MediaTimeline(), outbound: new MediaTimeline() };

  constructor(private readonly parts: MediaStreamSessionParts) {
    const { call, lifecycle, live } = parts;
    // A later stream of the same call (back from a transfer) continues the first one's clock.
    this.startedAt = performance.now() - Math.max(0, Date.now() - (call.streamStartedAt ?? Date.now()));
    this.conversation = parts.conversation({
      call,
      streamSid: parts.streamSid,
      output: parts.sink,
      log: parts.log,
      metrics: parts.metrics,
      elapsedMs: () => performance.now() - this.startedAt,
      addTranscript: async (entries) => {
        await lifecycle.addTranscript(call.id, entries);
      },
      endCall: (reason) => this.endCall(reason),
      transfer: async (summary) => {
        await parts.transfers
          ?.start(call, parts.callSid, summary)
          .catch((error: unknown) => parts.log.error({ err: error }, 'could not transfer the call'));
      },
      transcriptionFailed: (reason) =>
        void lifecycle
          .transcriptionFailed(call.id, reason)
          .catch((error: unknown) => parts.log.error({ err: error }, 'could not record the transcription error')),
      interim: (speaker, text, startMs) =>
        live?.interim({ callId: call.id, speaker, text, startMs: Math.round(startMs) }),
    });
    const answeredAt = call.answeredAt ? Date.parse(call.answeredAt) : Date.now();
    const remainingMs = Math.max(0, answeredAt + call.maxDurationSec * 1000 - Date.now());
    this.maxDurationTimer = setTimeout(() => void this.endCall('max-duration'), remainingMs);
  }

  get streamSid(): string {
    return this.parts.streamSid;
  }

  get callId(): string {
    return this.parts.call.id;
  }

  personAnswered(): void {
    this.conversation.personAnswered();
  }

  media(track: MediaTrack, audio: Buffer, timestampMs: number): void {
    const missing = this.timelines[track].missingBefore(timestampMs, audio.length);
    for (let i = missing; i > 0; i--) this.conversation.media(track, SILENT_FRAME, timestampMs - i * 20);
    this.conversation.media(track, audio, timestampMs);
  }

  mark(name: string): void {
    this.conversation.mark(name);
  }

  dtmf(digit: string): void {
    // Which key is never logged: callers type PINs and card numbers.
    this.parts.log.info('keypad key pressed');
    this.conversation.dtmf(digit);
  }

  private async endCall(reason: EndReason): Promise<void> {
    try {
      await this.parts.lifecycle.endCall(this.parts.call.id, reason, this.parts.callSid);
    } catch (error) {
      this.parts.log.error({ err: error, reason }, 'could not end the call');
    }
  }

  /** Idempotent: the stream's `stop`, a closed socket and shutdown all end up here. */
  finish(): Promise<void> {
    this.finishing ??= (async () => {
      clearTimeout(this.maxDurationTimer);
      try {
        await this.conversation.finish();
      } catch (error) {
        this.parts.log.error({ err: error }, 'the conversation failed while finishing');
      }
      await this.parts.lifecycle.mediaFinished(this.parts.call.id, this.parts.call.streamToken);
      this.parts.log.info('media stream finished');
      this.parts.onFinished?.();
    })();
    return this.finishing;
  }
}
