import { designLowpass } from './fir-design';
import { interpolate, INTERPOLATOR_BLOCK, INTERPOLATOR_HISTORY, setInterpolatorBranch } from './resampler-kernels';

/**
 * Streaming 8 kHz -> 16 kHz interpolator (callee audio toward Gemini).
 *
 * A 43-tap half-band low-pass (Kaiser, beta 4.5): the pass band 0-3.4 kHz stays flat to ±0.03 dB,
 * images from 4.6 kHz up are >50 dB down, and the delay is 21 output samples (1.31 ms).
 * Half-band means one polyphase branch is a pure delay (every odd output is an input sample,
 * 10 samples back) and the other a 22-tap filter, run as a 24-lane dot product in WebAssembly
 * SIMD (six four-lane steps per output pair, single precision; see resampler-kernels.ts).
 */
const TAPS = 43;
const CENTRE = (TAPS - 1) / 2; // 21: odd, so the even-indexed taps form the filtering branch
const BRANCH_TAPS = (TAPS + 1) / 2; // 22 taps in the filtering branch

setInterpolatorBranch(
  (() => {
    const h = designLowpass({ taps: TAPS, cutoff: 0.25, beta: 4.5, gain: 1 });
    const branch = new Float64Array(BRANCH_TAPS);
    let sum = 0;
    for (let k = 0; k < BRANCH_TAPS; k++) sum += branch[k] = h[2 * k];
    // Unity DC gain per branch, so a constant input has no residue at the 8 kHz image.
    return branch.map((tap) => tap / sum);
  })(),
);

/** Delay this resampler adds, in milliseconds. */
export const UPSAMPLER_DELAY_MS = (CENTRE / 16000) * 1000;

export class Upsampler8kTo16k {
  /** The last 21 input samples: the filtering branch's window reaches that far back. */
  private readonly history = new Float32Array(INTERPOLATOR_HISTORY);

  /** Writes `2 * count` samples to `output`; returns that number. */
  process(input: Int16Array, output: Int16Array, count = input.length): number {
    for (let from = 0; from < count; from += INTERPOLATOR_BLOCK) {
      interpolate(this.history, input, from, Math.min(INTERPOLATOR_BLOCK, count - from), output, 2 * from);
    }
    return 2 * count;
  }

  reset(): void {
    this.history.fill(0);
  }
}
