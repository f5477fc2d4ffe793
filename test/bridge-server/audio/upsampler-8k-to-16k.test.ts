import { measureUpsampler } from '../../../bench/src/resampler-quality';
import { whiteNoise } from '../../../bench/src/signal-analysis';
import { UPSAMPLER_DELAY_MS, Upsampler8kTo16k } from '../../../bridge-server/src/audio/upsampler-8k-to-16k';

describe('Upsampler8kTo16k', () => {
  const quality = measureUpsampler();

  it('passes a 1 kHz tone within ±0.5 dB', () => {
    expect(Math.abs(quality.gainAt1kHzDb)).toBeLessThanOrEqual(0.5);
  });

  it('keeps the 300-3400 Hz telephone band flat to within 0.2 dB', () => {
    expect(quality.passbandRippleDb).toBeLessThanOrEqual(0.2);
  });

  it('holds every image above 4.6 kHz at least 40 dB down', () => {
    expect(quality.worstRejectionDb).toBeLessThanOrEqual(-40);
  });

  it('adds at most 2 ms of delay, and the advertised figure is the measured one', () => {
    expect(quality.delayMs).toBeLessThanOrEqual(2);
    expect(quality.delayMs).toBeCloseTo(UPSAMPLER_DELAY_MS, 5);
  });

  it('gives the same output in 20 ms chunks as in one pass (within 1 LSB)', () => {
    expect(quality.chunkedVsOneShotLsb).toBeLessThanOrEqual(1);
  });

  it('carries state across chunks of any size', () => {
    const input = whiteNoise(4000, 10000, 7);
    const oneShot = new Int16Array(8000);
    new Upsampler8kTo16k().process(input, oneShot);
    const up = new Upsampler8kTo16k();
    const chunked = new Int16Array(8000);
    let at = 0;
    for (const size of [1, 2, 159, 160, 161, 700, 1, 2816]) {
      up.process(input.subarray(at, at + size), chunked.subarray(at * 2));
      at += size;
    }
    expect(at).toBe(4000);
    expect(Buffer.from(chunked.buffer).equals(Buffer.from(oneShot.buffer))).toBe(true);
  });

  it('saturates instead of wrapping around on full-scale input', () => {
    const square = Int16Array.from({ length: 320 }, (_, i) => ((i >> 3) & 1 ? 32767 : -32768));
    const out = new Int16Array(640);
    new Upsampler8kTo16k().process(square, out);
    for (let i = 64; i < 640; i += 16) expect(Math.sign(out[i + 8])).toBe(Math.sign(out[i + 8]));
    expect(Math.max(...out)).toBeLessThanOrEqual(32767);
    expect(Math.min(...out)).toBeGreaterThanOrEqual(-32768);
  });
});
