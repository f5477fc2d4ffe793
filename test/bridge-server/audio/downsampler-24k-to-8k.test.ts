import { DOWNSAMPLER_DELAY_MS, Downsampler24kTo8k } from '../../../bridge-server/src/audio/downsampler-24k-to-8k';
import { measureDownsampler } from '../../../bench/src/resampler-quality';
import { whiteNoise } from '../../../bench/src/signal-analysis';

describe('Downsampler24kTo8k', () => {
  const quality = measureDownsampler();

  it('passes a 1 kHz tone within ±0.5 dB', () => {
    expect(Math.abs(quality.gainAt1kHzDb)).toBeLessThanOrEqual(0.5);
  });

  it('keeps the 300-3400 Hz telephone band flat to within 0.2 dB', () => {
    expect(quality.passbandRippleDb).toBeLessThanOrEqual(0.2);
  });

  it('holds tones between 4.6 and 11.5 kHz at least 40 dB down', () => {
    expect(quality.worstRejectionDb).toBeLessThanOrEqual(-40);
  });

  it('adds at most 2 ms of delay, and the advertised figure is the measured one', () => {
    expect(quality.delayMs).toBeLessThanOrEqual(2);
    expect(quality.delayMs).toBeCloseTo(DOWNSAMPLER_DELAY_MS, 5);
  });

  it('gives the same output in 20 ms chunks as in one pass (within 1 LSB)', () => {
    expect(quality.chunkedVsOneShotLsb).toBeLessThanOrEqual(1);
  });

  it('carries the 3:1 phase across chunks whose lengths are not multiples of 3', () => {
    const input = whiteNoise(6000, 10000, 11);
    const oneShot = new Int16Array(2001);
    const expected = new Downsampler24kTo8k().process(input, oneShot);
    const down = new Downsampler24kTo8k();
    const chunked = new Int16Array(2001);
    let at = 0;
    let written = 0;
    for (const size of [1, 1, 1, 2, 479, 480, 481, 1000, 7, 3548]) {
      written += down.process(input.subarray(at, at + size), chunked.subarray(written));
      at += size;
    }
    expect(at).toBe(6000);
    expect(written).toBe(expected);
    expect(Array.from(chunked.subarray(0, written))).toEqual(Array.from(oneShot.subarray(0, expected)));
  });

  it('flush releases the samples held back by the filter, then starts clean', () => {
    const down = new Downsampler24kTo8k();
    const tone = new Int16Array(480).fill(8000);
    const out = new Int16Array(200);
    const body = down.process(tone, out);
    expect(body).toBe(160);
    const tail = down.flush(out);
    expect(tail).toBeGreaterThanOrEqual(10);
    expect(Math.abs(out[0])).toBeGreaterThan(1000); // the step's tail is not silence
    expect(down.process(new Int16Array(3), out)).toBe(1);
    expect(out[0]).toBe(0);
  });
});
