import { FRAME_BYTES, OutboundFramer } from '../audio/outbound-framer';
import { MediaStreamEncoder } from './media-stream-codec';
import { PlaybackTracker } from './playback-tracker';

/** The media stream's socket, as the telephony output writes to it. */
export interface MediaSink {
  /** One text frame (a Media Streams message); a buffer may be held until it is written. */
  send(message: string | Buffer): void;
  /** Runs `send` with the socket corked, so a burst of messages leaves in one write. */
  batch(send: () => void): void;
}

/** How much of a turn Twilio has confirmed playing (by its marks). */
export interface HeardSoFar {
  framesPlayed: number;
  lastPlayedMs: number;
}

/**
 * What the phone plays: 24 kHz PCM from the agent becomes exact 20 ms μ-law frames, with a
 * `mark` every 200 ms of audio and one at each turn's end, so the playback tracker knows what
 * the callee has heard; `clear` drops what Twilio still holds (barge-in). Each chunk of agent
 * audio leaves in one write. This is the Twilio serializer's half of a call: no policy here.
 */
export class TelephonyOutput {
  private readonly framer = new OutboundFramer();
  readonly playback = new PlaybackTracker();
  private readonly encoder: MediaStreamEncoder;
  private readonly sendFrame = (frame: Buffer): void => {
    this.onFrame(this.playback.frameSent(this.nowMs()));
    this.sink.send(this.encoder.media(frame));
  };

  /**
   * `nowMs` is the stream clock; `onFrame` hears when each frame is scheduled to start playing
   * (the agent's utterance starts with its first frame).
   */
  constructor(
    private readonly sink: MediaSink,
    streamSid: string,
    private readonly nowMs: () => number,
    private readonly onFrame: (startsAtMs: number) => void = () => undefined,
  ) {
    this.encoder = new MediaStreamEncoder(streamSid);
  }

  private sendMark(): void {
    this.sink.send(this.encoder.mark(this.playback.nextMark()));
  }

  /** Base64 PCM16 LE at 24 kHz, any length. */
  play(pcm24kBase64: string): void {
    this.sink.batch(() => {
      this.framer.push(pcm24kBase64, this.sendFrame);
      if (this.playback.markDue) this.sendMark();
    });
  }

  /** Ready-made 20 ms μ-law frames (a recorded announcement), then a mark. */
  playFrames(frames: readonly Buffer[]): void {
    this.sink.batch(() => {
      for (const frame of frames) if (frame.length === FRAME_BYTES) this.sendFrame(frame);
      this.sendMark();
    });
  }

  /** The turn's audio is all here: send what the filter still holds, and a mark after it. */
  endTurn(): void {
    this.framer.flush(this.sendFrame);
    this.sendMark();
  }

  /**
   * Stops what is playing now: Twilio drops its buffer (first: every millisecond here is audio
   * the callee hears over themselves), and the next audio starts a new turn. Returns how much
   * of the cut turn the callee had heard.
   */
  clear(): HeardSoFar {
    this.sink.send(this.encoder.clear());
    const heard = { framesPlayed: this.playback.framesPlayed, lastPlayedMs: this.playback.lastPlayedMs };
    this.framer.reset();
    this.playback.newTurn(this.nowMs(), true);
    return heard;
  }

  /** A turn played out to its end (not cut): the next audio starts a new turn. */
  nextTurn(): void {
    this.playback.newTurn(this.nowMs(), false);
  }

  /** Twilio echoed a mark; true when it belongs to the current turn. */
  markEchoed(name: string): boolean {
    return this.playback.markEchoed(name, this.nowMs());
  }
}
