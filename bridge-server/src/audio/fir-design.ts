/**
 * Kaiser-windowed sinc low-pass design, done once at start-up.
 *
 * Linear phase keeps every frequency equally delayed; with the tap counts used here the delay is
 * about 1.1 ms per direction (soxr's streaming modes hold back 45-86 ms).
 */

/** Zeroth-order modified Bessel function of the first kind (series; converges fast for x < 20). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const quarterSquare = (x * x) / 4;
  for (let k = 1; k < 64; k++) {
    term *= quarterSquare / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

export interface LowpassSpec {
  /** Odd number of taps, so the delay is a whole number of samples. */
  readonly taps: number;
  /** -6 dB point as a fraction of the sample rate (0 < cutoff < 0.5). */
  readonly cutoff: number;
  /** Kaiser beta: larger trades a wider transition for deeper stop-band attenuation. */
  readonly beta: number;
  /** DC gain; an interpolator by L uses L to make up for the zeros it inserts. */
  readonly gain: number;
}

export function designLowpass(spec: LowpassSpec): Float64Array {
  const { taps, cutoff, beta, gain } = spec;
  if (taps % 2 !== 1) throw new RangeError('designLowpass needs an odd number of taps');
  const centre = (taps - 1) / 2;
  const coefficients = new Float64Array(taps);
  const windowNorm = besselI0(beta);
  let sum = 0;
  for (let n = 0; n < taps; n++) {
    const m = n - centre;
    const sinc = m === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * m) / (Math.PI * m);
    const ratio = m / centre;
    const window = besselI0(beta * Math.sqrt(1 - ratio * ratio)) / windowNorm;
    coefficients[n] = sinc * window;
    sum += coefficients[n];
  }
  for (let n = 0; n < taps; n++) {
    const scaled = (coefficients[n] * gain) / sum;
    // A Nyquist (half-band, third-band) design has exact zeros; keep them exact so they can be skipped.
    coefficients[n] = Math.abs(scaled) < 1e-12 ? 0 : scaled;
  }
  return coefficients;
}
