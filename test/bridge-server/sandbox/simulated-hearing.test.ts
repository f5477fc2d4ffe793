import { framePitchHz, toneShare } from '../../../bridge-server/src/sandbox/simulated-hearing';
import { tonePcm, voicedPcm } from '../../../bridge-server/src/sandbox/speech-synth';

const frame = (pcm: Int16Array, at = 1600) => pcm.subarray(at, at + 320);

describe("the simulated agent's hearing", () => {
  it.each([110, 140, 240])('finds the pitch of a %d Hz voice within 5%', (hz) => {
    const pitch = framePitchHz(frame(voicedPcm(500, 16000, hz, 3)));
    expect(pitch).toBeGreaterThan(hz * 0.95);
    expect(pitch).toBeLessThan(hz * 1.05);
  });

  it('tells a beep from speech by its share of energy at 1 kHz', () => {
    const beep = Int16Array.from({ length: 320 }, (_, i) =>
      Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / 16000)),
    );
    expect(toneShare(beep, 1000)).toBeGreaterThan(0.9);
    expect(toneShare(frame(voicedPcm(500, 16000, 140, 3)), 1000)).toBeLessThan(0.2);
    expect(toneShare(new Int16Array(320), 1000)).toBe(0);
    expect(tonePcm(20, 1000).length).toBe(160);
  });
});
