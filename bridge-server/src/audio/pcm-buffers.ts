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
