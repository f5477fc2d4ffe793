import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FRAME_BYTES } from '../audio/outbound-framer';
import { MULAW_SILENCE } from '../audio/mulaw';

const APOLOGY_FILE = join(__dirname, '..', '..', 'assets', 'apology-8k.ulaw');

let frames: Buffer[] | undefined;

/**
 * The pre-rendered spoken apology (see assets/README.md) as 20 ms Twilio frames, played when the
 * agent cannot be reached or fails mid-call.
 */
export function apologyFrames(): Buffer[] {
  if (frames) return frames;
  const audio = readFileSync(APOLOGY_FILE);
  const padded = Buffer.alloc(Math.ceil(audio.length / FRAME_BYTES) * FRAME_BYTES, MULAW_SILENCE);
  audio.copy(padded);
  frames = [];
  for (let at = 0; at < padded.length; at += FRAME_BYTES) frames.push(padded.subarray(at, at + FRAME_BYTES));
  return frames;
}
