/**
 * How the carrier's media reaches the bridge, as Twilio's really does: frames in bursts (several
 * 20 ms frames in one go, then none), and now and then a gap (frames that never come; the
 * timestamps of the next ones show the time that passed). Other messages keep their place
 * behind the media queued before them.
 */
export interface MediaConditions {
  /** Frames sent together (1: each on its own tick). */
  burstFrames: number;
  /** Every this many ticks, a gap (0: never). */
  gapEvery: number;
  /** Ticks a gap lasts. */
  gapFrames: number;
}

export const SMOOTH_MEDIA: MediaConditions = { burstFrames: 1, gapEvery: 0, gapFrames: 0 };

export class MediaNetwork {
  private readonly queued: string[] = [];
  /** Frames dropped in gaps, for tests. */
  dropped = 0;

  constructor(
    private readonly conditions: MediaConditions,
    private readonly transmit: (message: string) => void,
  ) {}

  /** A media frame of tick `tick`; false when the network lost it (a gap). */
  media(tick: number, message: string): boolean {
    const { gapEvery, gapFrames, burstFrames } = this.conditions;
    if (gapEvery > 0 && tick % gapEvery >= gapEvery - gapFrames) {
      this.dropped++;
      return false;
    }
    this.queued.push(message);
    if (this.queued.length >= burstFrames) this.flush();
    return true;
  }

  /** Anything else: after the media queued before it. */
  other(message: string): void {
    this.flush();
    this.transmit(message);
  }

  flush(): void {
    for (const message of this.queued.splice(0)) this.transmit(message);
  }
}
