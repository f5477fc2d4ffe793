import { MULAW_DECODE_TABLE } from './mulaw';
import { alignedBuffer, int16View, maxDecodedBytes } from './pcm-buffers';
import { Upsampler8kTo16k } from './upsampler-8k-to-16k';

/** MIME type Gemini Live expects for the audio this produces. */
export const GEMINI_INPUT_MIME_TYPE = 'audio/pcm;rate=16000';

/**
 * One call's callee audio, Twilio -> Gemini: base64 μ-law 8 kHz payloads in, base64 PCM16 LE
 * 16 kHz out. Keeps the resampler state across frames; its buffers are reused, so a steady
 * stream of 20 ms frames allocates only the output string.
 */
export class InboundTranscoder {
  private readonly upsampler = new Upsampler8kTo16k();
  private mulaw = alignedBuffer(160);
  private pcm8k = new Int16Array(160);
  private pcm16kBytes = alignedBuffer(640);
  private pcm16k = int16View(this.pcm16kBytes);
  /** Largest absolute sample of the last payload: a free voice-activity cue for the caller. */
  lastPeak = 0;

  /** Returns the base64 PCM16 for one payload, or '' when the payload holds no audio. */
  transcode(payloadBase64: string): string {
    const count = this.decodePayload(payloadBase64);
    if (count === 0) return '';
    const mulaw = this.mulaw;
    const pcm8k = this.pcm8k;
    let peak = 0;
    for (let i = 0; i < count; i++) {
      const sample = MULAW_DECODE_TABLE[mulaw[i]];
      pcm8k[i] = sample;
      if (sample > peak) peak = sample;
      else if (-sample > peak) peak = -sample;
    }
    this.lastPeak = peak;
    const written = this.upsampler.process(pcm8k, this.pcm16k, count);
    return this.pcm16kBytes.toString('base64', 0, written * 2);
  }

  private decodePayload(payloadBase64: string): number {
    const capacity = maxDecodedBytes(payloadBase64.length);
    if (capacity > this.mulaw.length) this.grow(capacity);
    return this.mulaw.write(payloadBase64, 0, 'base64');
  }

  private grow(bytes: number): void {
    this.mulaw = alignedBuffer(bytes);
    this.pcm8k = new Int16Array(bytes);
    this.pcm16kBytes = alignedBuffer(bytes * 4);
    this.pcm16k = int16View(this.pcm16kBytes);
  }
}
