import type { Logger } from '../shared/logger';
import type { Speaker } from '../shared/wire-types';
import type { NewTranscriptEntry } from '../store/call-store';

export interface TranscriptSink {
  /** Stores final transcript entries (and emits their events). */
  addTranscript(entries: NewTranscriptEntry[]): Promise<void>;
  /** A provisional transcript for live viewers only; the final entry replaces it. */
  interim(speaker: Speaker, text: string, startMs: number): void;
  log: Logger;
}

/**
 * A call's transcript as a conversation writes it: final entries are stored one after another,
 * in the order they were finished, and a failed write is logged rather than thrown into the
 * audio path. `flushed` settles once everything written so far is stored (or has failed).
 */
export class TranscriptWriter {
  private writes: Promise<void> = Promise.resolve();

  constructor(private readonly sink: TranscriptSink) {}

  add(entry: NewTranscriptEntry | undefined): void {
    if (!entry) return;
    this.writes = this.writes
      .then(() => this.sink.addTranscript([entry]))
      .catch((error: unknown) => this.sink.log.error({ err: error }, 'could not store a transcript entry'));
  }

  interim(speaker: Speaker, text: string, startMs: number): void {
    this.sink.interim(speaker, text, startMs);
  }

  flushed(): Promise<void> {
    return this.writes;
  }
}
