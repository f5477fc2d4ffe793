/**
 * G.711 μ-law <-> 16-bit linear PCM, as lookup tables.
 *
 * The tables are computed with the reference (Sun g711.c) algorithm, the same one `alawmulaw`
 * implements, so results are bit-exact with it (a test checks every one of the 65,536 inputs).
 * Decoding is one table read per byte; encoding is one read indexed by the sample's 16 bits.
 */

const BIAS = 0x84;
const CLIP = 32635;
const SEGMENT_BASE = [0, 132, 396, 924, 1980, 4092, 8316, 16764];

function encodeSampleSlow(sample: number): number {
  const sign = (sample >> 8) & 0x80;
  let magnitude = sign !== 0 ? -sample : sample;
  magnitude = Math.min(magnitude + BIAS, CLIP);
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

function decodeSampleSlow(mulaw: number): number {
  const inverted = ~mulaw & 0xff;
  const exponent = (inverted >> 4) & 0x07;
  const magnitude = SEGMENT_BASE[exponent] + ((inverted & 0x0f) << (exponent + 3));
  return (inverted & 0x80) !== 0 ? -magnitude : magnitude;
}

/** μ-law byte -> PCM16 sample. */
export const MULAW_DECODE_TABLE: Int16Array = (() => {
  const table = new Int16Array(256);
  for (let i = 0; i < 256; i++) table[i] = decodeSampleSlow(i);
  return table;
})();

/** PCM16 sample, taken as its unsigned 16-bit pattern (`sample & 0xffff`) -> μ-law byte. */
export const MULAW_ENCODE_TABLE: Uint8Array = (() => {
  const table = new Uint8Array(65536);
  for (let i = 0; i < 65536; i++) table[i] = encodeSampleSlow((i << 16) >> 16);
  return table;
})();

/** μ-law encodes digital silence (PCM 0) as 0xFF. */
export const MULAW_SILENCE = 0xff;

/** Decodes `count` μ-law bytes from `input` into `output` (no allocation). */
export function decodeMulaw(input: Uint8Array, output: Int16Array, count = input.length): void {
  for (let i = 0; i < count; i++) output[i] = MULAW_DECODE_TABLE[input[i]];
}

/** Encodes `count` PCM16 samples from `input` into `output` (no allocation). */
export function encodeMulaw(input: Int16Array, output: Uint8Array, count = input.length): void {
  for (let i = 0; i < count; i++) output[i] = MULAW_ENCODE_TABLE[input[i] & 0xffff];
}
