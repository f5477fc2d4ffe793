import { mulaw } from 'alawmulaw';
import {
  decodeMulaw,
  encodeMulaw,
  MULAW_DECODE_TABLE,
  MULAW_ENCODE_TABLE,
  MULAW_SILENCE,
} from '../../../bridge-server/src/audio/mulaw';

describe('mulaw', () => {
  it('decodes all 256 μ-law bytes exactly as alawmulaw does', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(Array.from(MULAW_DECODE_TABLE)).toEqual(Array.from(mulaw.decode(bytes)));
  });

  it('encodes all 65,536 PCM16 samples exactly as alawmulaw does', () => {
    const samples = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
    const ours = new Uint8Array(samples.length);
    encodeMulaw(samples, ours);
    expect(Buffer.from(ours).equals(Buffer.from(mulaw.encode(samples)))).toBe(true);
    expect(MULAW_ENCODE_TABLE.length).toBe(65536);
  });

  it('encodes digital silence as 0xFF and decodes it back to 0', () => {
    expect(MULAW_ENCODE_TABLE[0]).toBe(MULAW_SILENCE);
    expect(MULAW_DECODE_TABLE[MULAW_SILENCE]).toBe(0);
  });

  it('decodes into a caller-owned buffer, honouring the count', () => {
    const out = new Int16Array(4).fill(7);
    decodeMulaw(Uint8Array.of(0xff, 0x00, 0x80), out, 2);
    expect(Array.from(out)).toEqual([0, -32124, 7, 7]);
  });
});
