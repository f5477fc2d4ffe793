import { byteRange } from '../../../bridge-server/src/sandbox/carrier-recordings';
import { CallRecorder } from '../../../bridge-server/src/sandbox/call-recorder';
import { encodeMulaw } from '../../../bridge-server/src/audio/mulaw';

function tone(amplitude: number): string {
  const pcm = new Int16Array(160).map((_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * 440 * i) / 8000)));
  const bytes = new Uint8Array(160);
  encodeMulaw(pcm, bytes);
  return Buffer.from(bytes).toString('base64');
}

describe('the sandbox carrier’s recordings', () => {
  it('writes a two-channel 8 kHz 16-bit WAV: the callee on channel 1, the other side on channel 2, silence elsewhere', () => {
    const recorder = new CallRecorder();
    recorder.frame(tone(8000), undefined);
    recorder.frame(undefined, tone(8000));
    const wav = recorder.wav();
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.toString('ascii', 8, 12)).toBe('WAVE');
    expect(wav.readUInt16LE(22)).toBe(2);
    expect(wav.readUInt32LE(24)).toBe(8000);
    expect(wav.readUInt16LE(34)).toBe(16);
    expect(wav.readUInt32LE(40)).toBe(320 * 4);
    const sample = (frame: number, channel: number, i: number) =>
      wav.readInt16LE(44 + (frame * 160 + i) * 4 + channel * 2);
    const energy = (frame: number, channel: number) =>
      Array.from({ length: 160 }, (_, i) => Math.abs(sample(frame, channel, i))).reduce((a, b) => a + b, 0);
    expect(energy(0, 0)).toBeGreaterThan(100_000);
    expect(energy(0, 1)).toBe(0);
    expect(energy(1, 0)).toBe(0);
    expect(energy(1, 1)).toBeGreaterThan(100_000);
  });

  it('reads byte ranges as HTTP does: from-to, from to the end, the last n, and refuses what is past the end', () => {
    expect(byteRange(undefined, 100)).toBeUndefined();
    expect(byteRange('bytes=0-43', 100)).toEqual({ start: 0, end: 43 });
    expect(byteRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(byteRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(byteRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 });
    expect(byteRange('bytes=100-', 100)).toBe('invalid');
    expect(byteRange('bytes=5-2', 100)).toBe('invalid');
    expect(byteRange('items=0-1', 100)).toBe('invalid');
  });
});
