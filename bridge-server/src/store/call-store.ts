import type { CallRecord } from '../model/call-record';
import type { CallPage, CallQuery } from './call-query';
import type { TranscriptEntry } from '../shared/wire-types';

export type NewTranscriptEntry = Omit<TranscriptEntry, 'seq'>;

export interface IdempotencyClaim {
  key: string;
  /** Hash of the request body: the same key with another body is refused. */
  fingerprint: string;
}

export type CreateCallResult =
  { outcome: 'created'; call: CallRecord } | { outcome: 'replayed'; call: CallRecord } | { outcome: 'conflict' };

/**
 * Call records and transcripts. Implemented over Redis (shared by every bridge instance) and in
 * memory (one instance, nothing survives a restart).
 */
export interface CallStore {
  /** Stores a new call, atomically with its Idempotency-Key when one is given (kept 24 h). */
  createCall(call: CallRecord, idempotency?: IdempotencyClaim): Promise<CreateCallResult>;
  getCall(id: string): Promise<CallRecord | undefined>;
  /**
   * Read-modify-write with compare-and-set, retried on contention. `mutate` returns the new record
   * or undefined for "no change". Resolves to the stored record after the update (or as it was).
   */
  updateCall(
    id: string,
    mutate: (call: CallRecord) => CallRecord | undefined,
  ): Promise<{ call: CallRecord; changed: boolean } | undefined>;
  /** Calls whose `call.ended` has not gone out yet (live ones, and ended ones finishing their media). */
  listActiveCalls(): Promise<CallRecord[]>;
  /** Newest first, filtered, one page at a time. */
  listCalls(query: CallQuery): Promise<CallPage>;
  /**
   * Appends one entry, giving it the call's next `seq`; resolves to it as stored. Idempotent by
   * `entryId`: appending the same entry again (a retry after a lost reply) stores nothing new and
   * resolves to the entry as first stored.
   */
  appendTranscriptEntry(callId: string, entryId: string, entry: NewTranscriptEntry): Promise<TranscriptEntry>;
  /** In spoken order (by startMs, then seq). */
  getTranscript(callId: string): Promise<TranscriptEntry[]>;
  /** Removes the call, its transcript and its place in the indexes (a request to delete its data); false if it was not here. */
  deleteCall(id: string): Promise<boolean>;
}

export const IDEMPOTENCY_TTL_SEC = 24 * 3600;
/** Ended calls (and their transcripts) are kept this long. */
export const ENDED_CALL_TTL_SEC = 30 * 24 * 3600;

export function spokenOrder(entries: TranscriptEntry[]): TranscriptEntry[] {
  return [...entries].sort((a, b) => a.startMs - b.startMs || a.seq - b.seq);
}
