import { isTerminal, type CallRecord } from '../model/call-record';
import type { CallDirection, CallMode, CallStatus, TranscriptEntry } from '../shared/wire-types';

/** What `GET /v1/calls` asks for: newest first, filtered, a page at a time. */
export interface CallQuery {
  /** active / ended, or one status. */
  status?: 'active' | 'ended' | CallStatus;
  mode?: CallMode;
  direction?: CallDirection;
  /** Digits of a phone number (part of to/from/connectTo), or words said in the call. */
  q?: string;
  /** Digits that to, from or connectTo contains. */
  number?: string;
  /** Created at or after this (epoch ms). */
  since?: number;
  /** Created before this (epoch ms). */
  until?: number;
  limit: number;
  /** Where the previous page stopped (opaque to clients). */
  cursor?: string;
  /** Read at most this many records, matching or not (the page then ends with a cursor). */
  scanLimit?: number;
}

export interface CallPage {
  calls: CallRecord[];
  /** Set when there may be more: pass it as `cursor` for the next page. */
  nextCursor?: string;
}

/** A page reads at most this many records when it has to search (a text query). */
export const SEARCH_SCAN_LIMIT = 1000;

export function needsTranscript(query: CallQuery): boolean {
  return query.q !== undefined && !isNumberQuery(query.q);
}

export function isNumberQuery(q: string): boolean {
  return /^\+?[\d\s().-]{3,}$/.test(q);
}

export function digits(text: string | null): string {
  return (text ?? '').replace(/\D/g, '');
}

function hasNumber(call: CallRecord, wanted: string): boolean {
  return [call.to, call.from, call.connectTo].some((number) => digits(number).includes(wanted));
}

/** Whether a call matches the query's filters; `transcript` is needed for a text query. */
export function callMatches(call: CallRecord, query: CallQuery, transcript?: TranscriptEntry[]): boolean {
  if (query.status === 'active' && isTerminal(call.status)) return false;
  if (query.status === 'ended' && !isTerminal(call.status)) return false;
  if (query.status && query.status !== 'active' && query.status !== 'ended' && call.status !== query.status)
    return false;
  if (query.mode && call.mode !== query.mode) return false;
  if (query.direction && (call.direction ?? 'outbound') !== query.direction) return false;
  const createdAt = Date.parse(call.createdAt);
  if (query.since !== undefined && createdAt < query.since) return false;
  if (query.until !== undefined && createdAt >= query.until) return false;
  if (query.number !== undefined && !hasNumber(call, digits(query.number))) return false;
  if (query.q === undefined) return true;
  if (isNumberQuery(query.q)) return hasNumber(call, digits(query.q));
  const words = query.q.toLowerCase();
  return (transcript ?? []).some((entry) => entry.text.toLowerCase().includes(words));
}

/** Cursors are `<createdAt ms>:<call id>` of the last call a page returned, base64url. */
export function encodeCursor(call: Pick<CallRecord, 'createdAt' | 'id'>): string {
  return Buffer.from(`${Date.parse(call.createdAt)}:${call.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { at: number; id: string } | undefined {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split(':');
  return Number.isFinite(Number(at)) && id ? { at: Number(at), id } : undefined;
}

/** Newest first, ties by id (descending), as both stores order calls. */
export function newerFirst(a: CallRecord, b: CallRecord): number {
  return Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** Whether a call comes after the cursor position in newest-first order. */
export function afterCursor(call: CallRecord, cursor: { at: number; id: string } | undefined): boolean {
  if (!cursor) return true;
  const at = Date.parse(call.createdAt);
  return at < cursor.at || (at === cursor.at && call.id < cursor.id);
}

/**
 * Collects one page: calls offered newest first are kept when they match, until the page is full
 * or a search has read its limit; then the page ends with a cursor at the last call read.
 */
export class PageBuilder {
  private readonly calls: CallRecord[] = [];
  private last?: CallRecord;
  private scanned = 0;
  private more = false;

  constructor(
    private readonly query: CallQuery,
    private readonly transcriptOf: (callId: string) => Promise<TranscriptEntry[]>,
  ) {}

  /** Considers the next call; false once the page is complete (the call was not taken). */
  async offer(call: CallRecord): Promise<boolean> {
    const searching = needsTranscript(this.query);
    const scanLimit = Math.min(this.query.scanLimit ?? Infinity, searching ? SEARCH_SCAN_LIMIT : Infinity);
    if (this.calls.length === this.query.limit || this.scanned === scanLimit) {
      this.more = true;
      return false;
    }
    this.scanned++;
    this.last = call;
    if (callMatches(call, this.query, searching ? await this.transcriptOf(call.id) : undefined)) this.calls.push(call);
    return true;
  }

  result(): CallPage {
    return this.more && this.last ? { calls: this.calls, nextCursor: encodeCursor(this.last) } : { calls: this.calls };
  }
}
