import { endianness } from 'node:os';

// PCM16 views are laid straight over byte buffers; the wire formats (Gemini, WAV) are little-endian.
if (endianness() !== 'LE') throw new Error('voice-bridge audio needs a little-endian CPU');

/**
 * A byte buffer whose memory starts on an 8-byte boundary, so an Int16Array can view it.
 * (Buffer.allocUnsafe may hand out a slice of its pool at an odd offset.)
 */
export function alignedBuffer(bytes: number): Buffer {
  return Buffer.from(new ArrayBuffer(bytes));
}

export function int16View(buffer: Buffer, samples = buffer.length >> 1): Int16Array {
  return new Int16Array(buffer.buffer, buffer.byteOffset, samples);
}

/** Bytes that `base64Length` characters of base64 can decode to, at most. */
export function maxDecodedBytes(base64Length: number): number {
  return Math.ceil(base64Length / 4) * 3;
}

/**
 * Saturates a filter sum to the PCM16 range and biases it by half a step, so that storing it in
 * an Int16Array (which truncates toward zero) rounds to nearest. Cheaper than Math.round.
 */
export function saturateForInt16(value: number): number {
  const clamped = value > 32767 ? 32767 : value < -32768 ? -32768 : value;
  return clamped + (clamped >= 0 ? 0.5 : -0.5);
}
