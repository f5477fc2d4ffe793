import { FRAME_BYTES } from '../audio/outbound-framer';

/** 20 ms of μ-law silence (0xFF is μ-law zero). */
export const SILENT_FRAME: Buffer = Buffer.alloc(FRAME_BYTES, 0xff);
/** A gap longer than this is not filled (the stream was held, not lossy): 5 s of frames. */
const MAX_FILLED_FRAMES = 250;
const FRAME_MS = 20;

/**
 * One track's media timeline. Twilio's frames come with jitter and in bursts, which their
 * timestamps already put right, and sometimes with gaps: frames that never come, the next
 * ones' timestamps showing the time that passed. `missingBefore` says how many 20 ms frames of
 * silence belong before a frame, so what reaches Gemini and Speech-to-Text stays time-true
 * (transcript clocks, and the order of two parties' words).
 */
export class MediaTimeline {
  private nextMs?: number;

  /** Silent frames missing before a frame of `bytes` μ-law bytes stamped `timestampMs`. */
  missingBefore(timestampMs: number, bytes: number): number {
    const expected = this.nextMs;
    this.nextMs = Math.max(expected ?? 0, timestampMs + (bytes / FRAME_BYTES) * FRAME_MS);
    if (expected === undefined) return 0;
    const missing = Math.round((timestampMs - expected) / FRAME_MS);
    return missing > 0 && missing <= MAX_FILLED_FRAMES ? missing : 0;
  }
}
