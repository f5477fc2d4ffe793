import { EventEmitter } from 'node:events';
import type { DeliveredEvent, Speaker } from '../shared/wire-types';

/** A provisional transcript for one speaker of a live call; the final entry replaces it. */
export interface InterimUpdate {
  type: 'transcript.interim';
  callId: string;
  speaker: Speaker;
  text: string;
  startMs: number;
}

export type LiveMessage = DeliveredEvent | InterimUpdate;

/** A live message and, for a stored event, its position in the events stream (the SSE id). */
export type LiveListener = (message: LiveMessage, position?: string) => void;

/**
 * What live viewers (the dashboard) see: every event, plus interim transcripts that are never
 * stored or delivered. Events carry their position in the events stream, so a viewer that
 * reconnects with the last position it saw (SSE's Last-Event-ID) gets what it missed first.
 */
export interface LiveFeed {
  interim(update: Omit<InterimUpdate, 'type'>): void;
  /** Every message from now on; with `after`, first the stored events since that position. */
  subscribe(listener: LiveListener, after?: string): Promise<() => void>;
  close(): Promise<void>;
}

/** Stream positions are `<ms>-<seq>`, as Redis gives them. */
export const POSITION = /^\d{1,20}-\d{1,20}$/;

export function comparePositions(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  return am !== bm ? (am < bm ? -1 : 1) : as === bs ? 0 : as < bs ? -1 : 1;
}

/**
 * The fan-out both feeds share: local listeners, and a catch-up that replays stored events after
 * a position while holding back live ones, so none is missed or shown twice at the seam.
 */
export abstract class LiveFanout implements LiveFeed {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  abstract interim(update: Omit<InterimUpdate, 'type'>): void;

  /** Stored events after `position`, oldest first (at most a bounded number). */
  protected abstract replay(position: string): Promise<{ position: string; message: LiveMessage }[]>;

  protected emit(message: LiveMessage, position?: string): void {
    this.emitter.emit('message', message, position);
  }

  async subscribe(listener: LiveListener, after?: string): Promise<() => void> {
    if (!after || !POSITION.test(after)) {
      this.emitter.on('message', listener);
      return () => this.emitter.off('message', listener);
    }
    const held: [LiveMessage, string | undefined][] = [];
    const hold: LiveListener = (message, position) => held.push([message, position]);
    this.emitter.on('message', hold);
    let last = after;
    try {
      for (const { position, message } of await this.replay(after)) {
        listener(message, position);
        last = position;
      }
    } finally {
      this.emitter.off('message', hold);
    }
    for (const [message, position] of held)
      if (!position || comparePositions(position, last) > 0) listener(message, position);
    this.emitter.on('message', listener);
    return () => this.emitter.off('message', listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

/** One process without Redis: events come straight from the in-memory store. */
export class MemoryLiveFeed extends LiveFanout {
  private readonly recent: { position: string; message: LiveMessage }[] = [];
  private sequence = 0;
  private static readonly KEPT = 1000;

  /** A stored event (the memory store calls this for every event it records). */
  event(message: DeliveredEvent): void {
    const position = `0-${++this.sequence}`;
    this.recent.push({ position, message });
    if (this.recent.length > MemoryLiveFeed.KEPT) this.recent.shift();
    this.emit(message, position);
  }

  interim(update: Omit<InterimUpdate, 'type'>): void {
    this.emit({ type: 'transcript.interim', ...update });
  }

  protected async replay(position: string): Promise<{ position: string; message: LiveMessage }[]> {
    return this.recent.filter((entry) => comparePositions(entry.position, position) > 0);
  }
}
