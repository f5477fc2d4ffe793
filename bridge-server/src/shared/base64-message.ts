/**
 * JSON messages whose one variable field is base64 audio (Twilio's `media`, Gemini's
 * `realtimeInput`), written straight into bytes: base64 needs no JSON escaping, so the message is
 * a fixed head, the encoded bytes and a fixed tail.
 */

/** Base64 characters for `bytes` bytes (padded). */
export function base64Length(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

/** Bytes of the message `head` + base64(`bytes` bytes) + `tail`. */
export function base64MessageSize(head: Buffer, bytes: number, tail: Buffer): number {
  return head.length + base64Length(bytes) + tail.length;
}

/**
 * Writes `head`, the base64 of `data` and `tail` into `target` (by default a new buffer of
 * exactly that size) and returns the message: `target` itself, or its start when it is larger.
 */
export function writeBase64Message(
  head: Buffer,
  data: Buffer,
  tail: Buffer,
  target = Buffer.allocUnsafe(base64MessageSize(head, data.length, tail)),
): Buffer {
  head.copy(target, 0);
  const tailAt = head.length + target.write(data.toString('base64'), head.length, 'latin1');
  const end = tailAt + tail.copy(target, tailAt);
  return end === target.length ? target : target.subarray(0, end);
}
