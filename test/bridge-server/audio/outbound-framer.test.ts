import { FRAME_BYTES, OutboundFramer } from '../../../bridge-server/src/audio/outbound-framer';
import { MULAW_DECODE_TABLE, MULAW_SILENCE } from '../../../bridge-server/src/audio/mulaw';
import { sineWave, toneAmplitude } from '../../../bench/src/signal-analysis';

function pcmBase64(pcm: Int16Array): string {
  return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64');
}

function collect(framer: OutboundFramer, chunks: string[], flush = false): Buffer[] {
  const frames: Buffer[] = [];
  const sink = (frame: Buffer) => frames.push(Buffer.from(frame));
  for (const chunk of chunks) framer.push(chunk, sink);
  if (flush) framer.flush(sink);
  return frames;
}

describe('OutboundFramer', () => {
  it('cuts 24 kHz chunks of any length into exact 160-byte (20 ms) frames', () => {
    const pcm = sineWave(440, 24000, 24000, 10000);
    const bytes = Buffer.from(pcm.buffer);
    const chunks: string[] = [];
    // Odd byte counts too: a chunk may end in the middle of a sample.
    for (let at = 0, size = 1; at < bytes.length; at += size, size = (size * 7 + 3) % 2001 || 1) {
      chunks.push(bytes.subarray(at, Math.min(at + size, bytes.length)).toString('base64'));
    }
    const frames = collect(new OutboundFramer(), chunks);
    expect(frames.length).toBe(50); // 1 s at 24 kHz = 8000 samples at 8 kHz = 50 frames
    for (const frame of frames) expect(frame.length).toBe(FRAME_BYTES);
  });

  it('gives the same frames however the input is chunked', () => {
    const pcm = sineWave(700, 24000, 4800, 9000);
    const whole = collect(new OutboundFramer(), [pcmBase64(pcm)], true);
    const pieces: string[] = [];
    for (let at = 0; at < pcm.length; at += 333) pieces.push(pcmBase64(pcm.subarray(at, at + 333)));
    const chunked = collect(new OutboundFramer(), pieces, true);
    expect(Buffer.concat(chunked).equals(Buffer.concat(whole))).toBe(true);
  });

  it('keeps a 1 kHz tone at its level through μ-law framing', () => {
    const frames = collect(new OutboundFramer(), [pcmBase64(sineWave(1000, 24000, 24000, 12000))], true);
    const pcm = Int16Array.from(Buffer.concat(frames), (b) => MULAW_DECODE_TABLE[b]);
    const db = 20 * Math.log10(toneAmplitude(pcm, 1000, 8000, 800, 6400) / 12000);
    expect(Math.abs(db)).toBeLessThan(0.5);
  });

  it('flush at the end of a turn drains the filter and pads the last frame with μ-law silence', () => {
    const framer = new OutboundFramer();
    const frames = collect(framer, [pcmBase64(new Int16Array(300).fill(6000))], true); // 100 samples at 8 kHz
    expect(frames.length).toBe(1);
    const last = frames[0];
    expect(last.length).toBe(FRAME_BYTES);
    expect(last[5]).not.toBe(MULAW_SILENCE);
    expect(last[FRAME_BYTES - 1]).toBe(MULAW_SILENCE);
    expect(framer.pendingSamples).toBe(0);
  });

  it('reset drops the partial frame, as barge-in requires', () => {
    const framer = new OutboundFramer();
    collect(framer, [pcmBase64(new Int16Array(300).fill(6000))]);
    expect(framer.pendingSamples).toBeGreaterThan(0);
    framer.reset();
    expect(framer.pendingSamples).toBe(0);
    expect(collect(framer, [], true)).toEqual([]);
  });
});
