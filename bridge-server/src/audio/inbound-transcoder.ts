import { MULAW_DECODE_TABLE } from './mulaw';
import { alignedBuffer, int16View } from './pcm-buffers';
import { Upsampler8kTo16k } from './upsampler-8k-to-16k';

/** MIME type Gemini Live expects for the audio this produces. */
export const GEMINI_INPUT_MIME_TYPE = 'audio/pcm;rate=16000';

/**
 * One call's callee audio, Twilio -> Gemini: 8 kHz μ-law bytes in, 16 kHz PCM16 LE bytes out.
 * Keeps the resampler state across frames and reuses its buffers, so a steady stream of 20 ms
 * frames allocates nothing but the small view it returns.
 */
export class InboundTranscoder {
  private readonly upsampler = new Upsampler8kTo16k();
  private pcm8k = new Int16Array(160);
  private pcm16kBytes = alignedBuffer(640);
  private pcm16k = int16View(this.pcm16kBytes);
  /** Largest absolute sample of the last frame: a free voice-activity cue for the caller. */
  lastPeak = 0;

  /**
   * Returns the PCM16 for `mulaw` (empty when it holds no audio). The result is a view of a
   * buffer the next call overwrites: send or copy it before then.
   */
  transcode(mulaw: Uint8Array): Buffer {
    const count = mulaw.length;
    if (count > this.pcm8k.length) this.grow(count);
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
    return this.pcm16kBytes.subarray(0, written * 2);
  }

  private grow(samples: number): void {
    this.pcm8k = new Int16Array(samples);
    this.pcm16kBytes = alignedBuffer(samples * 4);
    this.pcm16k = int16View(this.pcm16kBytes);
  }
}
