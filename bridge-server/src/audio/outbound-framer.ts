import { Downsampler24kTo8k, DOWNSAMPLER_FLUSH_SAMPLES } from './downsampler-24k-to-8k';
import { MULAW_ENCODE_TABLE, MULAW_SILENCE } from './mulaw';
import { alignedBuffer, int16View, maxDecodedBytes } from './pcm-buffers';

/** One Twilio media frame: 20 ms of 8 kHz μ-law. */
export const FRAME_BYTES = 160;
export const FRAME_MS = 20;

/** Receives each finished 160-byte μ-law frame; the buffer is reused once the sink returns. */
export type FrameSink = (frame: Buffer) => void;

/**
 * One call's agent audio, Gemini -> Twilio: base64 PCM16 LE 24 kHz chunks of any length in,
 * exact 20 ms μ-law frames out (handed to the sink in one reused buffer). A partial frame (and an odd trailing byte) carries over to the
 * next chunk; `flush` ends a turn by draining the filter and padding the last frame with silence.
 */
export class OutboundFramer {
  private readonly downsampler = new Downsampler24kTo8k();
  /** Decoded input; byte 0 may hold an odd byte carried from the previous chunk. */
  private input = alignedBuffer(2 * 960 + 2);
  private inputPcm = int16View(this.input);
  private carriedByte = -1;
  private pcm8k = new Int16Array(320 + DOWNSAMPLER_FLUSH_SAMPLES);
  private readonly frame = Buffer.alloc(FRAME_BYTES);
  private filled = 0;
  /** Whether audio arrived since the last flush or reset, i.e. whether the filter holds any. */
  private inTurn = false;

  push(pcm24kBase64: string, sink: FrameSink): void {
    const capacity = maxDecodedBytes(pcm24kBase64.length) + 1;
    if (capacity > this.input.length) this.grow(capacity);
    const offset = this.carriedByte >= 0 ? 1 : 0;
    if (offset) this.input[0] = this.carriedByte;
    const bytes = offset + this.input.write(pcm24kBase64, offset, 'base64');
    if (bytes > 0) this.inTurn = true;
    const samples = bytes >> 1;
    this.carriedByte = bytes & 1 ? this.input[bytes - 1] : -1;
    const written = this.downsampler.process(this.inputPcm, this.pcm8k, samples);
    this.frameSamples(written, sink);
  }

  /** End of turn: emits what the filter still holds and pads the last frame to 20 ms. */
  flush(sink: FrameSink): void {
    if (!this.inTurn) return;
    this.inTurn = false;
    this.carriedByte = -1;
    this.frameSamples(this.downsampler.flush(this.pcm8k), sink);
    if (this.filled === 0) return;
    this.frame.fill(MULAW_SILENCE, this.filled);
    this.filled = 0;
    sink(this.frame);
  }

  /** Barge-in: forget everything not yet framed. */
  reset(): void {
    this.downsampler.reset();
    this.inTurn = false;
    this.carriedByte = -1;
    this.filled = 0;
  }

  /** Samples waiting for a frame to fill, at 8 kHz. */
  get pendingSamples(): number {
    return this.filled;
  }

  private frameSamples(count: number, sink: FrameSink): void {
    const pcm = this.pcm8k;
    const frame = this.frame;
    let filled = this.filled;
    for (let i = 0; i < count; i++) {
      frame[filled++] = MULAW_ENCODE_TABLE[pcm[i] & 0xffff];
      if (filled === FRAME_BYTES) {
        sink(frame);
        filled = 0;
      }
    }
    this.filled = filled;
  }

  private grow(bytes: number): void {
    const aligned = bytes + (bytes & 1);
    this.input = alignedBuffer(aligned);
    this.inputPcm = int16View(this.input);
    this.pcm8k = new Int16Array(Math.ceil(aligned / 6) + 1 + DOWNSAMPLER_FLUSH_SAMPLES);
  }
}
