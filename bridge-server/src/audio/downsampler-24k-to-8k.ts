import { designLowpass } from './fir-design';
import { decimate, DECIMATOR_BLOCK, DECIMATOR_HISTORY, setDecimatorCoefficients } from './resampler-kernels';

/**
 * Streaming 24 kHz -> 8 kHz decimator (Gemini's voice toward the phone).
 *
 * A 61-tap third-band low-pass (Kaiser, beta 4.5): flat to ±0.05 dB up to 3.4 kHz, and everything
 * from 4.6 to 12 kHz (which would fold back into the telephone band) is >49 dB down. Only every
 * third output is computed, each as a 64-lane dot product in WebAssembly SIMD (16 four-lane steps,
 * single precision; see resampler-kernels.ts). Delay: 30 input samples (1.25 ms).
 */
const TAPS = 61;
const CENTRE = (TAPS - 1) / 2;

const H = designLowpass({ taps: TAPS, cutoff: 1 / 6, beta: 4.5, gain: 1 });
setDecimatorCoefficients(H);

/** Delay this resampler adds, in milliseconds. */
export const DOWNSAMPLER_DELAY_MS = (CENTRE / 24000) * 1000;

export class Downsampler24kTo8k {
  /** The last 63 input samples (the kernel's window reaches 60 back; 3 more keep it 16-byte wide). */
  private readonly history = new Float32Array(DECIMATOR_HISTORY);
  /** Index of the next input sample, modulo 3; outputs fall on multiples of 3 across chunks. */
  private phase = 0;

  /** Writes the 8 kHz samples this chunk completes to `output`; returns how many. */
  process(input: Int16Array, output: Int16Array, count = input.length): number {
    let written = 0;
    for (let from = 0; from < count; from += DECIMATOR_BLOCK) {
      const block = Math.min(DECIMATOR_BLOCK, count - from);
      written += decimate(this.history, input, from, block, (3 - this.phase) % 3, output, written);
      this.phase = (this.phase + block) % 3;
    }
    return written;
  }

  /**
   * Pushes silence through so the last real samples (held back by the filter delay) come out,
   * then starts afresh. Returns how many samples it wrote.
   */
  flush(output: Int16Array): number {
    const written = this.process(SILENCE, output, SILENCE.length);
    this.reset();
    return written;
  }

  reset(): void {
    this.history.fill(0);
    this.phase = 0;
  }
}

const SILENCE = new Int16Array(CENTRE + 2);

/** Most samples `flush` writes. */
export const DOWNSAMPLER_FLUSH_SAMPLES = Math.ceil((CENTRE + 2) / 3);
