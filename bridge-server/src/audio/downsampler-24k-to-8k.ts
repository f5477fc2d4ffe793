import { designLowpass } from './fir-design';
import { toInt16 } from './pcm-buffers';

/**
 * Streaming 24 kHz -> 8 kHz decimator (Gemini's voice toward the phone).
 *
 * A 61-tap third-band low-pass (Kaiser, beta 4.5): flat to ±0.04 dB up to 3.4 kHz, and everything
 * from 4.6 to 12 kHz (which would fold back into the telephone band) is >49 dB down. Only every
 * third output is computed; the filter is symmetric and every third tap is an exact zero, so each
 * 8 kHz sample costs 20 multiplies. Delay: 30 input samples (1.25 ms).
 */
const TAPS = 61;
const CENTRE = (TAPS - 1) / 2;
const HISTORY = TAPS - 1;

const { PAIR_OFFSETS, PAIR_COEFFICIENTS, CENTRE_COEFFICIENT } = (() => {
  const h = designLowpass({ taps: TAPS, cutoff: 1 / 6, beta: 4.5, gain: 1 });
  const offsets: number[] = [];
  const coefficients: number[] = [];
  for (let j = 0; j < CENTRE; j++) {
    if (h[j] === 0) continue;
    offsets.push(j);
    coefficients.push(h[j]);
  }
  return {
    PAIR_OFFSETS: Int32Array.from(offsets),
    PAIR_COEFFICIENTS: Float64Array.from(coefficients),
    CENTRE_COEFFICIENT: h[CENTRE],
  };
})();
const PAIRS = PAIR_OFFSETS.length;

/** Delay this resampler adds, in milliseconds. */
export const DOWNSAMPLER_DELAY_MS = (CENTRE / 24000) * 1000;

export class Downsampler24kTo8k {
  private work = new Float64Array(HISTORY + 480);
  /** Index of the next input sample, modulo 3; outputs fall on multiples of 3 across chunks. */
  private phase = 0;

  /** Writes the 8 kHz samples this chunk completes to `output`; returns how many. */
  process(input: Int16Array, output: Int16Array, count = input.length): number {
    if (this.work.length < HISTORY + count) this.grow(count);
    const work = this.work;
    for (let i = 0; i < count; i++) work[HISTORY + i] = input[i];
    let written = 0;
    for (let newest = HISTORY + ((3 - this.phase) % 3); newest < HISTORY + count; newest += 3) {
      const oldest = newest - HISTORY;
      let acc = CENTRE_COEFFICIENT * work[newest - CENTRE];
      for (let k = 0; k < PAIRS; k++) {
        const j = PAIR_OFFSETS[k];
        acc += PAIR_COEFFICIENTS[k] * (work[newest - j] + work[oldest + j]);
      }
      output[written++] = toInt16(acc);
    }
    this.phase = (this.phase + count) % 3;
    work.copyWithin(0, count, count + HISTORY);
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
    this.work.fill(0);
    this.phase = 0;
  }

  private grow(count: number): void {
    const next = new Float64Array(HISTORY + count);
    next.set(this.work.subarray(0, HISTORY));
    this.work = next;
  }
}

const SILENCE = new Int16Array(CENTRE + 2);

/** Most samples `flush` writes. */
export const DOWNSAMPLER_FLUSH_SAMPLES = Math.ceil((CENTRE + 2) / 3);
