/**
 * Measurement helpers for the audio core's quality figures (used by its tests and `npm run bench`):
 * synthetic tones and the level of one frequency in a signal.
 */

export function sineWave(frequencyHz: number, sampleRate: number, samples: number, amplitude: number): Int16Array {
  const out = new Int16Array(samples);
  const step = (2 * Math.PI * frequencyHz) / sampleRate;
  for (let i = 0; i < samples; i++) out[i] = Math.round(amplitude * Math.sin(step * i));
  return out;
}

/**
 * Amplitude of the component at `frequencyHz` (single-bin DFT). Choose a window that holds a
 * whole number of cycles of every frequency involved, so nothing leaks between bins.
 */
export function toneAmplitude(
  signal: ArrayLike<number>,
  frequencyHz: number,
  sampleRate: number,
  start = 0,
  length = signal.length - start,
): number {
  const step = (2 * Math.PI * frequencyHz) / sampleRate;
  let re = 0;
  let im = 0;
  for (let i = 0; i < length; i++) {
    const x = signal[start + i];
    re += x * Math.cos(step * i);
    im += x * Math.sin(step * i);
  }
  return (2 * Math.hypot(re, im)) / length;
}

export function rms(signal: ArrayLike<number>, start = 0, length = signal.length - start): number {
  let sum = 0;
  for (let i = 0; i < length; i++) sum += signal[start + i] * signal[start + i];
  return Math.sqrt(sum / length);
}

export function decibels(ratio: number): number {
  return 20 * Math.log10(ratio);
}

/** Index of the largest absolute sample. */
export function peakIndex(signal: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < signal.length; i++) if (Math.abs(signal[i]) > Math.abs(signal[best])) best = i;
  return best;
}

/** Deterministic white noise (xorshift32), for repeatable continuity checks. */
export function whiteNoise(samples: number, amplitude: number, seed = 0x9e3779b9): Int16Array {
  const out = new Int16Array(samples);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < samples; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out[i] = Math.round(((state / 0xffffffff) * 2 - 1) * amplitude);
  }
  return out;
}
