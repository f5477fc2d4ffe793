import { InboundTranscoder } from '../../../bridge-server/src/audio/inbound-transcoder';
import { encodeMulaw } from '../../../bridge-server/src/audio/mulaw';
import { sineWave, toneAmplitude } from '../../../bench/src/signal-analysis';

function mulawFrame(pcm: Int16Array): Buffer {
  const bytes = Buffer.alloc(pcm.length);
  encodeMulaw(pcm, bytes);
  return bytes;
}

function pcmCopy(bytes: Buffer): Int16Array {
  return new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

describe('InboundTranscoder', () => {
  it('turns one 20 ms Twilio frame (160 μ-law bytes) into 20 ms of 16 kHz PCM16 (640 bytes)', () => {
    expect(new InboundTranscoder().transcode(mulawFrame(new Int16Array(160))).length).toBe(640);
  });

  it('carries a 1 kHz tone through frame after frame at the same level', () => {
    const transcoder = new InboundTranscoder();
    const tone = sineWave(1000, 8000, 8000, 12000);
    const pieces: Int16Array[] = [];
    for (let at = 0; at < tone.length; at += 160)
      pieces.push(pcmCopy(transcoder.transcode(mulawFrame(tone.subarray(at, at + 160)))));
    const joined = new Int16Array(16000);
    pieces.forEach((piece, i) => joined.set(piece, i * 320));
    const level = toneAmplitude(joined, 1000, 16000, 1600, 12800) / 12000;
    expect(20 * Math.log10(level)).toBeGreaterThan(-0.5);
    expect(20 * Math.log10(level)).toBeLessThan(0.5);
  });

  it('returns no audio for an empty frame', () => {
    expect(new InboundTranscoder().transcode(Buffer.alloc(0)).length).toBe(0);
  });

  it('accepts frames larger than 20 ms', () => {
    expect(new InboundTranscoder().transcode(mulawFrame(new Int16Array(800))).length).toBe(3200);
  });

  it('reuses its output buffer, so a steady stream allocates no audio memory per frame', () => {
    const transcoder = new InboundTranscoder();
    const first = transcoder.transcode(mulawFrame(new Int16Array(160)));
    const second = transcoder.transcode(mulawFrame(new Int16Array(160).fill(1000)));
    expect(second.buffer).toBe(first.buffer);
  });
});
