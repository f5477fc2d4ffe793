import type { Logger } from '../shared/logger';
import type { BridgeMetrics } from '../shared/metrics';
import type { MediaTrack } from '../model/media-track';
import type { EndReason, Speaker } from '../shared/wire-types';
import type { CallRecord } from '../model/call-record';
import type { NewTranscriptEntry } from '../store/call-store';

/** What a mode handler may send back to Twilio on the call's media stream. */
export interface MediaOutput {
  /** One 20 ms frame of 8 kHz μ-law; copied before this returns, so the caller may reuse it. */
  sendMedia(frame: Buffer): void;
  sendMark(name: string): void;
  /** Drops everything Twilio has buffered but not yet played (barge-in). */
  clear(): void;
  /** Runs `send` with the socket corked, so a burst of messages leaves in one write. */
  batch(send: () => void): void;
}

/** Everything one call's mode handler is given by the session that owns the stream. */
export interface MediaContext {
  call: CallRecord;
  streamSid: string;
  output: MediaOutput;
  log: Logger;
  metrics?: BridgeMetrics;
  /** Milliseconds since the media stream started (the transcript clock). */
  elapsedMs(): number;
  /** Stores final transcript entries (and emits their events). */
  addTranscript(entries: NewTranscriptEntry[]): Promise<void>;
  /** A provisional transcript for live viewers only; the final entry replaces it. */
  interim(speaker: Speaker, text: string, startMs: number): void;
  /** Ends the call through Twilio, recording why. */
  endCall(reason: EndReason): Promise<void>;
}

/** The per-mode half of a call's media: the Gemini agent, or Speech-to-Text on both tracks. */
export interface ModeHandler {
  /** `audio` is 8 kHz μ-law, owned by the handler from here on. */
  media(track: MediaTrack, audio: Buffer, timestampMs: number): void;
  mark(name: string): void;
  dtmf(digit: string): void;
  /** The stream is over: wait (bounded) for the last results, store them, release resources. */
  finish(): Promise<void>;
}

export type ModeHandlerFactory = (context: MediaContext) => ModeHandler;
