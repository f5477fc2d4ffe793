import { Downsampler24kTo8k } from 'voice-bridge-server/dist/audio/downsampler-24k-to-8k';
import { decibels, peakIndex, rms, sineWave, toneAmplitude, whiteNoise } from './signal-analysis';
import { Upsampler8kTo16k } from 'voice-bridge-server/dist/audio/upsampler-8k-to-16k';

/**
 * The fidelity figures of both resamplers, measured on synthetic signals. The tests hold these to
 * the project's bars, and the benchmark prints them.
 */

const AMPLITUDE = 16000;
/** 0.1 s windows: every multiple of 10 Hz is a whole number of cycles. */
const WINDOW_S = 0.1;
const SETTLE_S = 0.02;

export interface ResamplerQuality {
  /** Gain of a 1 kHz tone, dB. */
  gainAt1kHzDb: number;
  /** Spread of the gain over 300-3400 Hz (max - min), dB. */
  passbandRippleDb: number;
  /** Worst (highest) level of what must be rejected, dB relative to the input tone. */
  worstRejectionDb: number;
  /** Delay the resampler adds, ms. */
  delayMs: number;
  /** Largest difference between 20 ms-chunked and one-shot processing, LSB. */
  chunkedVsOneShotLsb: number;
}

type Run = (input: Int16Array, chunk: number) => Int16Array;

function runUpsampler(input: Int16Array, chunk: number): Int16Array {
  const up = new Upsampler8kTo16k();
  const out = new Int16Array(input.length * 2);
  for (let at = 0; at < input.length; at += chunk) {
    const part = input.subarray(at, Math.min(at + chunk, input.length));
    up.process(part, out.subarray(at * 2), part.length);
  }
  return out;
}

function runDownsampler(input: Int16Array, chunk: number): Int16Array {
  const down = new Downsampler24kTo8k();
  const out = new Int16Array(Math.ceil(input.length / 3) + 1);
  let written = 0;
  for (let at = 0; at < input.length; at += chunk) {
    const part = input.subarray(at, Math.min(at + chunk, input.length));
    written += down.process(part, out.subarray(written), part.length);
  }
  return out.subarray(0, written);
}

function gainDb(run: Run, inRate: number, outRate: number, frequency: number): number {
  const total = Math.round((SETTLE_S + WINDOW_S) * inRate);
  const out = run(sineWave(frequency, inRate, total, AMPLITUDE), total);
  const start = Math.round(SETTLE_S * outRate);
  return decibels(toneAmplitude(out, frequency, outRate, start, Math.round(WINDOW_S * outRate)) / AMPLITUDE);
}

function passband(run: Run, inRate: number, outRate: number): { at1k: number; ripple: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let f = 300; f <= 3400; f += 50) {
    const g = gainDb(run, inRate, outRate, f);
    min = Math.min(min, g);
    max = Math.max(max, g);
  }
  return { at1k: gainDb(run, inRate, outRate, 1000), ripple: max - min };
}

function delayMs(run: Run, inRate: number, outRate: number): number {
  const impulse = new Int16Array(inRate / 50);
  impulse[0] = AMPLITUDE;
  return (peakIndex(run(impulse, impulse.length)) / outRate) * 1000;
}

function chunkedVsOneShot(run: Run, inRate: number): number {
  const noise = whiteNoise(inRate, 12000);
  const oneShot = run(noise, noise.length);
  const chunked = run(noise, inRate / 50);
  let worst = 0;
  for (let i = 0; i < oneShot.length; i++) worst = Math.max(worst, Math.abs(oneShot[i] - chunked[i]));
  return worst;
}

/** 8 kHz -> 16 kHz: rejection is the image at 8000 - f of each pass-band tone f (images >= 4.6 kHz). */
export function measureUpsampler(): ResamplerQuality {
  const { at1k, ripple } = passband(runUpsampler, 8000, 16000);
  let worst = -Infinity;
  for (let f = 300; f <= 3400; f += 50) {
    const total = Math.round((SETTLE_S + WINDOW_S) * 8000);
    const out = runUpsampler(sineWave(f, 8000, total, AMPLITUDE), total);
    const image = toneAmplitude(out, 8000 - f, 16000, SETTLE_S * 16000, WINDOW_S * 16000);
    worst = Math.max(worst, decibels(image / AMPLITUDE));
  }
  return {
    gainAt1kHzDb: at1k,
    passbandRippleDb: ripple,
    worstRejectionDb: worst,
    delayMs: delayMs(runUpsampler, 8000, 16000),
    chunkedVsOneShotLsb: chunkedVsOneShot(runUpsampler, 8000),
  };
}

/** 24 kHz -> 8 kHz: rejection is everything that comes out of a 4.6-11.5 kHz input tone. */
export function measureDownsampler(): ResamplerQuality {
  const { at1k, ripple } = passband(runDownsampler, 24000, 8000);
  let worst = -Infinity;
  for (let f = 4600; f <= 11500; f += 100) {
    const total = Math.round((SETTLE_S + WINDOW_S) * 24000);
    const out = runDownsampler(sineWave(f, 24000, total, AMPLITUDE), total);
    const level = rms(out, SETTLE_S * 8000, WINDOW_S * 8000) * Math.SQRT2;
    worst = Math.max(worst, decibels(level / AMPLITUDE));
  }
  return {
    gainAt1kHzDb: at1k,
    passbandRippleDb: ripple,
    worstRejectionDb: worst,
    delayMs: delayMs(runDownsampler, 24000, 8000),
    chunkedVsOneShotLsb: chunkedVsOneShot(runDownsampler, 24000),
  };
}
