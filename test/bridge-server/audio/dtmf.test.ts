import {
  DEFAULT_DTMF_TIMING,
  dtmfFrames,
  dtmfFrequencies,
  dtmfPcm,
  dtmfSequence,
} from '../../../bridge-server/src/audio/dtmf';
import { decodeMulaw } from '../../../bridge-server/src/audio/mulaw';
import { DtmfReceiver, keyInFrame } from '../../../bridge-server/src/sandbox/dtmf-hearing';

function framesToPcm(frames: Buffer[]): Int16Array[] {
  return frames.map((frame) => {
    const pcm = new Int16Array(160);
    decodeMulaw(frame, pcm);
    return pcm;
  });
}

describe('DTMF tones (ITU-T Q.23)', () => {
  it('uses the standard low and high group frequency of every key', () => {
    expect(dtmfFrequencies('1')).toEqual([697, 1209]);
    expect(dtmfFrequencies('5')).toEqual([770, 1336]);
    expect(dtmfFrequencies('9')).toEqual([852, 1477]);
    expect(dtmfFrequencies('#')).toEqual([941, 1477]);
    expect(dtmfFrequencies('*')).toEqual([941, 1209]);
    expect(dtmfFrequencies('0')).toEqual([941, 1336]);
    expect(dtmfFrequencies('D')).toEqual([941, 1633]);
    expect(dtmfFrequencies('x')).toBeUndefined();
  });

  it('reads a key sequence the way the agent writes it, keeping waits and dropping anything else', () => {
    expect(dtmfSequence('2 1-0 1 #')).toEqual(['2', '1', '0', '1', '#']);
    expect(dtmfSequence('1w2')).toEqual(['1', 'W', '2']);
  });

  it('plays each tone for at least 70 ms with a gap after it, and never clips', () => {
    const pcm = dtmfPcm(['5']);
    const toneSamples = pcm.filter((sample) => sample !== 0).length;
    expect((toneSamples / 8000) * 1000).toBeGreaterThanOrEqual(70);
    expect(DEFAULT_DTMF_TIMING.gapMs).toBeGreaterThanOrEqual(40);
    expect(Math.max(...pcm.map(Math.abs))).toBeLessThan(32767);
  });

  it('is heard back, key by key and once each, by a Goertzel receiver after μ-law coding', () => {
    const receiver = new DtmfReceiver();
    for (const frame of framesToPcm(dtmfFrames(dtmfSequence('2101#*9D')))) receiver.hear(frame);
    expect(receiver.keys.join('')).toBe('2101#*9D');
  });

  it('hears no key in speech-like audio or silence', () => {
    const voice = new Int16Array(160).map((_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 140 * i) / 8000)));
    expect(keyInFrame(voice)).toBeUndefined();
    expect(keyInFrame(new Int16Array(160))).toBeUndefined();
  });
});
