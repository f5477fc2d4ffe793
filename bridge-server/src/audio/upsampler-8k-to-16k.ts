import { designLowpass } from './fir-design';
import { toInt16 } from './pcm-buffers';

/**
 * Streaming 8 kHz -> 16 kHz interpolator (callee audio toward Gemini).
 *
 * A 43-tap half-band low-pass (Kaiser, beta 4.5): the pass band 0-3.4 kHz stays flat to ±0.03 dB,
 * images from 4.6 kHz up are >50 dB down, and the delay is 21 output samples (1.31 ms).
 * Half-band means one polyphase branch is a pure delay (every odd output is an input sample) and
 * the other is symmetric, so each output pair costs 11 multiplies.
 */
const TAPS = 43;
const CENTRE = (TAPS - 1) / 2; // 21: odd, so the even-indexed taps form the filtering branch
const BRANCH_TAPS = (TAPS + 1) / 2; // 22 taps in the filtering branch
const HISTORY = BRANCH_TAPS - 1;
const PAIRS = BRANCH_TAPS / 2;
const PASS_THROUGH_DELAY = (CENTRE - 1) / 2; // the pure-delay branch lags the input by 10 samples

const PAIR_COEFFICIENTS: Float64Array = (() => {
  const h = designLowpass({ taps: TAPS, cutoff: 0.25, beta: 4.5, gain: 1 });
  const branch = new Float64Array(BRANCH_TAPS);
  let sum = 0;
  for (let k = 0; k < BRANCH_TAPS; k++) sum += branch[k] = h[2 * k];
  // Unity DC gain per branch, so a constant input has no residue at the 8 kHz image.
  const pairs = new Float64Array(PAIRS);
  for (let k = 0; k < PAIRS; k++) pairs[k] = branch[k] / sum;
  return pairs;
})();

/** Delay this resampler adds, in milliseconds. */
export const UPSAMPLER_DELAY_MS = (CENTRE / 16000) * 1000;

export class Upsampler8kTo16k {
  /** History followed by the current chunk, as doubles so the inner loop needs no conversion. */
  private work = new Float64Array(HISTORY + 320);

  /** Writes `2 * count` samples to `output`; returns that number. */
  process(input: Int16Array, output: Int16Array, count = input.length): number {
    if (this.work.length < HISTORY + count) this.grow(count);
    const work = this.work;
    for (let i = 0; i < count; i++) work[HISTORY + i] = input[i];
    const c = PAIR_COEFFICIENTS;
    for (let i = 0; i < count; i++) {
      const newest = HISTORY + i;
      const oldest = newest - HISTORY;
      let acc = 0;
      for (let k = 0; k < PAIRS; k++) acc += c[k] * (work[newest - k] + work[oldest + k]);
      output[2 * i] = toInt16(acc);
      output[2 * i + 1] = work[newest - PASS_THROUGH_DELAY];
    }
    work.copyWithin(0, count, count + HISTORY);
    return 2 * count;
  }

  reset(): void {
    this.work.fill(0);
  }

  private grow(count: number): void {
    const next = new Float64Array(HISTORY + count);
    next.set(this.work.subarray(0, HISTORY));
    this.work = next;
  }
}
