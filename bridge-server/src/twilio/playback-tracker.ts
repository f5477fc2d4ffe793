/** A mark goes out after at least this many frames (200 ms) of agent audio, and at turn end. */
export const MARK_EVERY_FRAMES = 10;

/**
 * What of the audio sent to the phone the listener has actually heard. Frames go out with a mark
 * every 200 ms or so (the source's chunk size is not ours to choose, and every mark costs an
 * echo from Twilio); Twilio echoes a mark once the audio before it has played. Marks carry the
 * turn number, so marks Twilio returns for audio that a `clear` dropped are ignored.
 */
export class PlaybackTracker {
  private turn = 0;
  private framesAtLastMark = 0;
  /** Frames sent in the current turn. */
  framesSent = 0;
  /** Frames of the current turn confirmed played. */
  framesPlayed = 0;
  private marksPending = 0;
  /** When the audio sent so far will have finished playing (ms on the stream clock). */
  private playheadEndMs = 0;
  lastPlayedMs = 0;

  /**
   * Schedules one 20 ms frame; returns when it will start playing: at once when everything sent
   * before has been heard, else after what is still queued at Twilio.
   */
  frameSent(nowMs: number): number {
    const startsAt = this.drained ? nowMs : Math.max(nowMs, this.playheadEndMs);
    this.playheadEndMs = startsAt + 20;
    this.framesSent++;
    return startsAt;
  }

  /** Whether enough audio went out since the last mark to place another. */
  get markDue(): boolean {
    return this.framesSent - this.framesAtLastMark >= MARK_EVERY_FRAMES;
  }

  /** Name for a mark placed after the frames sent so far. */
  nextMark(): string {
    this.marksPending++;
    this.framesAtLastMark = this.framesSent;
    return `${this.turn}:${this.framesSent}`;
  }

  /** Returns true when the mark belongs to the current turn. */
  markEchoed(name: string, nowMs: number): boolean {
    const [turn, frames] = name.split(':').map(Number);
    if (turn !== this.turn || !Number.isFinite(frames)) return false;
    this.marksPending = Math.max(0, this.marksPending - 1);
    this.framesPlayed = Math.max(this.framesPlayed, frames);
    this.lastPlayedMs = nowMs;
    return true;
  }

  /** Everything sent has been heard. */
  get drained(): boolean {
    return this.marksPending === 0 && this.framesPlayed >= this.framesSent;
  }

  /** Starts a new turn; a barge-in also forgets the audio still queued at Twilio. */
  newTurn(nowMs: number, cleared: boolean): void {
    this.turn++;
    this.framesSent = 0;
    this.framesAtLastMark = 0;
    this.framesPlayed = 0;
    this.marksPending = 0;
    if (cleared) this.playheadEndMs = nowMs;
  }
}
