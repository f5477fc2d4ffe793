import { InboundTranscoder } from '../../../bridge-server/src/audio/inbound-transcoder';
import { encodeMulaw } from '../../../bridge-server/src/audio/mulaw';
import { sineWave, toneAmplitude } from '../../../bridge-server/src/audio/signal-analysis';

function mulawPayload(pcm: Int16Array): string {
  const bytes = new Uint8Array(pcm.length);
  encodeMulaw(pcm, bytes);
  return Buffer.from(bytes).toString('base64');
}

function pcmFromBase64(base64: string): Int16Array {
  const bytes = Buffer.from(base64, 'base64');
  return new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

describe('InboundTranscoder', () => {
  it('turns one 20 ms Twilio payload (160 μ-law bytes) into 20 ms of 16 kHz PCM16 (640 bytes)', () => {
    const out = new InboundTranscoder().transcode(mulawPayload(new Int16Array(160)));
    expect(Buffer.from(out, 'base64').length).toBe(640);
  });

  it('carries a 1 kHz tone through frame after frame at the same level', () => {
    const transcoder = new InboundTranscoder();
    const tone = sineWave(1000, 8000, 8000, 12000);
    const pieces: Int16Array[] = [];
    for (let at = 0; at < tone.length; at += 160) pieces.push(pcmFromBase64(transcoder.transcode(mulawPayload(tone.subarray(at, at + 160)))));
    const joined = new Int16Array(16000);
    pieces.forEach((piece, i) => joined.set(piece, i * 320));
    const level = toneAmplitude(joined, 1000, 16000, 1600, 12800) / 12000;
    expect(20 * Math.log10(level)).toBeGreaterThan(-0.5);
    expect(20 * Math.log10(level)).toBeLessThan(0.5);
  });

  it('returns an empty string for an empty payload', () => {
    expect(new InboundTranscoder().transcode('')).toBe('');
  });

  it('accepts payloads larger than one frame', () => {
    const out = new InboundTranscoder().transcode(mulawPayload(new Int16Array(800)));
    expect(Buffer.from(out, 'base64').length).toBe(3200);
  });
});
