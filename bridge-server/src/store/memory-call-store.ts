import type { CallRecord } from '../model/call-record';
import { afterCursor, decodeCursor, newerFirst, PageBuilder, type CallPage, type CallQuery } from './call-query';
import type { TranscriptEntry } from '../shared/wire-types';
import {
  spokenOrder,
  type CallStore,
  type CreateCallResult,
  type IdempotencyClaim,
  type NewTranscriptEntry,
} from './call-store';

/** In-process store for sandbox mode and single-instance set-ups. Nothing survives a restart. */
export class MemoryCallStore implements CallStore {
  private readonly calls = new Map<string, CallRecord>();
  private readonly transcripts = new Map<string, TranscriptEntry[]>();
  private readonly entrySeqs = new Map<string, number>();
  private readonly idempotency = new Map<string, { callId: string; fingerprint: string; expiresAt: number }>();

  async createCall(call: CallRecord, claim?: IdempotencyClaim): Promise<CreateCallResult> {
    if (claim) {
      const existing = this.idempotency.get(claim.key);
      if (existing && existing.expiresAt > Date.now()) {
        const stored = this.calls.get(existing.callId);
        if (existing.fingerprint !== claim.fingerprint || !stored) return { outcome: 'conflict' };
        return { outcome: 'replayed', call: structuredClone(stored) };
      }
      this.idempotency.set(claim.key, {
        callId: call.id,
        fingerprint: claim.fingerprint,
        expiresAt: Date.now() + 24 * 3600_000,
      });
    }
    this.calls.set(call.id, structuredClone(call));
    return { outcome: 'created', call: structuredClone(call) };
  }

  async getCall(id: string): Promise<CallRecord | undefined> {
    const call = this.calls.get(id);
    return call && structuredClone(call);
  }

  async updateCall(
    id: string,
    mutate: (call: CallRecord) => CallRecord | undefined,
  ): Promise<{ call: CallRecord; changed: boolean } | undefined> {
    const current = this.calls.get(id);
    if (!current) return undefined;
    const next = mutate(structuredClone(current));
    if (!next) return { call: structuredClone(current), changed: false };
    const stored = { ...next, version: current.version + 1 };
    this.calls.set(id, stored);
    return { call: structuredClone(stored), changed: true };
  }

  async listActiveCalls(): Promise<CallRecord[]> {
    return [...this.calls.values()].filter((call) => !call.endedEventSent).map((call) => structuredClone(call));
  }

  async listCalls(query: CallQuery): Promise<CallPage> {
    const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
    const page = new PageBuilder(query, (id) => this.getTranscript(id));
    for (const call of [...this.calls.values()].sort(newerFirst)) {
      if (afterCursor(call, cursor) && !(await page.offer(structuredClone(call)))) break;
    }
    return page.result();
  }

  async appendTranscriptEntry(callId: string, entryId: string, entry: NewTranscriptEntry): Promise<TranscriptEntry> {
    const list = this.transcripts.get(callId) ?? [];
    this.transcripts.set(callId, list);
    const key = `${callId}:${entryId}`;
    const known = this.entrySeqs.get(key);
    if (known !== undefined) return structuredClone(list[known - 1]);
    const stored = { seq: list.length + 1, ...entry };
    list.push(stored);
    this.entrySeqs.set(key, stored.seq);
    return structuredClone(stored);
  }

  async getTranscript(callId: string): Promise<TranscriptEntry[]> {
    return spokenOrder(this.transcripts.get(callId) ?? []);
  }

  async deleteCall(id: string): Promise<boolean> {
    this.transcripts.delete(id);
    for (const key of this.entrySeqs.keys()) if (key.startsWith(`${id}:`)) this.entrySeqs.delete(key);
    return this.calls.delete(id);
  }
}
