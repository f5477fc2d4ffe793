import { isTerminal, type CallRecord } from '../model/call-record';
import type { TranscriptEntry } from '../shared/wire-types';
import {
  ENDED_CALL_TTL_SEC,
  IDEMPOTENCY_TTL_SEC,
  spokenOrder,
  type CallStore,
  type CreateCallResult,
  type IdempotencyClaim,
  type NewTranscriptEntry,
} from './call-store';
import { afterCursor, decodeCursor, newerFirst, PageBuilder, type CallPage, type CallQuery } from './call-query';
import { slotOf } from './key-slots';
import type { RedisClient } from './redis-connection';
import { RedisScript } from './redis-script';

/**
 * Claims the Idempotency-Key (when given) and indexes the call, in one step. The record itself
 * lives in the call's own slot (a cluster spreads calls over its nodes), written just before.
 */
const INDEX_CALL = new RedisScript(`
if KEYS[3] then
  local existing = redis.call('GET', KEYS[3])
  if existing then return existing end
  redis.call('SET', KEYS[3], ARGV[2] .. ' ' .. ARGV[3], 'EX', ARGV[4])
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[2])
return false`);

/** Compare-and-set of a call record (and its transcript keys, all in the call's slot); an ended call starts to expire. */
const UPDATE_CALL = new RedisScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
if ARGV[3] == '1' then
  redis.call('EXPIRE', KEYS[1], ARGV[4])
  redis.call('EXPIRE', KEYS[2], ARGV[4])
  redis.call('EXPIRE', KEYS[3], ARGV[4])
end
return 1`);

/** Appends a transcript entry once per entry id; resolves to its seq (the list position). */
const APPEND_ENTRY = new RedisScript(`
local seq = redis.call('HGET', KEYS[2], ARGV[1])
if seq then return tonumber(seq) end
local length = redis.call('RPUSH', KEYS[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], length)
return length`);

const MAX_CAS_ATTEMPTS = 50;
/** Call ids read from the index at a time while listing. */
const LIST_BATCH = 100;

/**
 * Call records in Redis, shared by every bridge instance. A list index is a transcript entry's seq.
 * A call's keys share its id as hash tag (`<prefix>call:{id}…`); the indexes and Idempotency-Keys
 * share `{<prefix>calls}`. A call stays in the active set until its `call.ended` is out, so an
 * instance can find and finish the calls of one that died.
 */
export class RedisCallStore implements CallStore {
  private readonly index: string;
  private readonly active: string;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {
    this.index = slotOf(`${prefix}calls`);
    this.active = `${this.index}:active`;
  }

  private callKey(id: string): string {
    return `${this.prefix}call:{${id}}`;
  }

  private transcriptKey(id: string): string {
    return `${this.callKey(id)}:transcript`;
  }

  private entryIdsKey(id: string): string {
    return `${this.callKey(id)}:transcript:ids`;
  }

  async createCall(call: CallRecord, claim?: IdempotencyClaim): Promise<CreateCallResult> {
    // Written first, so the index never names a call that is not there; it expires if never indexed.
    await this.redis.set(this.callKey(call.id), JSON.stringify(call), 'EX', ENDED_CALL_TTL_SEC);
    const keys = [this.index, this.active];
    if (claim) keys.push(`${this.index}:idem:${claim.key}`);
    const existing = await INDEX_CALL.run<string | null>(this.redis, keys, [
      Date.parse(call.createdAt),
      call.id,
      claim?.fingerprint ?? '',
      IDEMPOTENCY_TTL_SEC,
    ]);
    if (!existing) return { outcome: 'created', call };
    await this.redis.del(this.callKey(call.id));
    const [callId, fingerprint] = existing.split(' ');
    const stored = await this.getCall(callId);
    if (!stored || fingerprint !== claim?.fingerprint) return { outcome: 'conflict' };
    return { outcome: 'replayed', call: stored };
  }

  async getCall(id: string): Promise<CallRecord | undefined> {
    const json = await this.redis.get(this.callKey(id));
    return json ? (JSON.parse(json) as CallRecord) : undefined;
  }

  async updateCall(
    id: string,
    mutate: (call: CallRecord) => CallRecord | undefined,
  ): Promise<{ call: CallRecord; changed: boolean } | undefined> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const json = await this.redis.get(this.callKey(id));
      if (!json) return undefined;
      const current = JSON.parse(json) as CallRecord;
      const next = mutate(JSON.parse(json) as CallRecord);
      if (!next) return { call: current, changed: false };
      const stored: CallRecord = { ...next, version: current.version + 1 };
      const keys = [this.callKey(id), this.transcriptKey(id), this.entryIdsKey(id)];
      const ok = await UPDATE_CALL.run<number>(this.redis, keys, [
        json,
        JSON.stringify(stored),
        isTerminal(stored.status) ? '1' : '0',
        ENDED_CALL_TTL_SEC,
      ]);
      if (ok !== 1) continue;
      // A second step (another slot): a crash between leaves the call to listActiveCalls to drop.
      if (stored.endedEventSent) await this.redis.srem(this.active, id);
      return { call: stored, changed: true };
    }
    throw new Error(`call ${id}: too much contention updating the record`);
  }

  async listCalls(query: CallQuery): Promise<CallPage> {
    const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
    const page = new PageBuilder(query, (id) => this.getTranscript(id));
    if (query.status === 'active') {
      // Few calls are live at once: read them all and order them here.
      const live = (await this.listActiveCalls()).sort(newerFirst);
      for (const call of live) if (afterCursor(call, cursor) && !(await page.offer(call))) break;
      return page.result();
    }
    const max = cursor ? String(cursor.at) : '+inf';
    for (let offset = 0; ; offset += LIST_BATCH) {
      const ids = await this.redis.zrevrangebyscore(this.index, max, '-inf', 'LIMIT', offset, LIST_BATCH);
      if (ids.length === 0) return page.result();
      for (const call of await this.fetch(ids))
        if (afterCursor(call, cursor) && !(await page.offer(call))) return page.result();
    }
  }

  async listActiveCalls(): Promise<CallRecord[]> {
    const calls = await this.fetch(await this.redis.smembers(this.active));
    const ended = calls.filter((call) => call.endedEventSent).map((call) => call.id);
    if (ended.length > 0) await this.redis.srem(this.active, ...ended);
    return calls.filter((call) => !call.endedEventSent);
  }

  /** Records in the order of `ids` (one GET each: on a cluster they live in different slots); expired ones leave the index. */
  private async fetch(ids: string[]): Promise<CallRecord[]> {
    if (ids.length === 0) return [];
    const values = await Promise.all(ids.map((id) => this.redis.get(this.callKey(id))));
    const gone = ids.filter((_, i) => values[i] === null);
    if (gone.length > 0)
      await this.redis
        .multi()
        .zrem(this.index, ...gone)
        .srem(this.active, ...gone)
        .exec();
    return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as CallRecord);
  }

  async appendTranscriptEntry(callId: string, entryId: string, entry: NewTranscriptEntry): Promise<TranscriptEntry> {
    // A retry carries the same entry as the first attempt, so the entry as stored is this one.
    const seq = await APPEND_ENTRY.run<number>(
      this.redis,
      [this.transcriptKey(callId), this.entryIdsKey(callId)],
      [entryId, JSON.stringify(entry)],
    );
    return { seq, ...entry };
  }

  async getTranscript(callId: string): Promise<TranscriptEntry[]> {
    const raw = await this.redis.lrange(this.transcriptKey(callId), 0, -1);
    return spokenOrder(raw.map((json, i) => ({ seq: i + 1, ...(JSON.parse(json) as NewTranscriptEntry) })));
  }

  async deleteCall(id: string): Promise<boolean> {
    // The call's own keys share its slot (one DEL); the indexes are another slot's.
    const removed = await this.redis.del(this.callKey(id), this.transcriptKey(id), this.entryIdsKey(id));
    await this.redis.multi().zrem(this.index, id).srem(this.active, id).exec();
    return removed > 0;
  }
}
