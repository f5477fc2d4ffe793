import type { Logger } from '../shared/logger';
import type { BridgeMetrics } from '../shared/metrics';
import type { MediaTrack } from '../model/media-track';
import type { EndReason } from '../shared/wire-types';
import type { CallRecord } from '../model/call-record';
import type { MediaSink } from '../twilio/telephony-output';
import type { TranscriptSink } from './transcript-writer';

/**
 * The seam between a media transport (Twilio's WebSocket today) and the calls it carries. The
 * transport authenticates and decodes; everything about which call a stream belongs to and
 * what runs on it is decided behind this port.
 */

/** A stream's first message, as the transport decoded it. */
export interface StreamStart {
  callId: string;
  streamToken: string;
  streamSid: string;
  callSid: string;
}

/** One running stream, fed by the transport. */
export interface StreamHandle {
  /** `audio` is 8 kHz μ-law, owned by the stream from here on. */
  media(track: MediaTrack, audio: Buffer, timestampMs: number): void;
  mark(name: string): void;
  dtmf(digit: string): void;
  /** The stream is over (stop, socket closed or shutdown); idempotent. */
  finish(): Promise<void>;
}

export interface MediaStreamPort {
  /** A stream for the call named in `start`, or why it is refused (the transport closes it). */
  start(start: StreamStart, sink: MediaSink, log: Logger): Promise<StreamHandle | { refused: string }>;
}

/** Everything one call's conversation is given by the stream that carries it. */
export interface ConversationContext extends TranscriptSink {
  call: CallRecord;
  streamSid: string;
  output: MediaSink;
  metrics?: BridgeMetrics;
  /** Milliseconds since the media stream started (the transcript clock). */
  elapsedMs(): number;
  /** Ends the call through Twilio, recording why. */
  endCall(reason: EndReason): Promise<void>;
  /** Hands the call to a person (the agent's `transfer_call`); warm transfers carry the agent's summary. */
  transfer(summary?: string): Promise<void>;
  /** Speech-to-Text refused a track for good; recorded on the call, which goes on. */
  transcriptionFailed(reason: string): void;
}

/** What runs on a call's media: the Gemini agent, or Speech-to-Text on both tracks. */
export interface Conversation {
  media(track: MediaTrack, audio: Buffer, timestampMs: number): void;
  mark(name: string): void;
  dtmf(digit: string): void;
  /** A person is on the line (an AMD verdict that came after the stream started). */
  personAnswered(): void;
  /** The stream is over: wait (bounded) for the last results, store them, release resources. */
  finish(): Promise<void>;
}

export type ConversationFactory = (context: ConversationContext) => Conversation;
