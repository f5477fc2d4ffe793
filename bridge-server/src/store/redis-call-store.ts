import type { Redis } from 'ioredis';
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
import { RedisScript } from './redis-script';

/** Stores the call, its indexes and (when given) the Idempotency-Key in one step. */
const CREATE_CALL = new RedisScript(`
if KEYS[4] then
  local existing = redis.call('GET', KEYS[4])
  if existing then return existing end
  redis.call('SET', KEYS[4], ARGV[3] .. ' ' .. ARGV[4], 'EX', ARGV[5])
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('SADD', KEYS[3], ARGV[3])
return false`);

/** Compare-and-set of a call record; an ended call leaves the active set and starts to expire. */
const UPDATE_CALL = new RedisScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
if ARGV[4] == '1' then
  redis.call('SREM', KEYS[2], ARGV[3])
  redis.call('EXPIRE', KEYS[1], ARGV[5])
  redis.call('EXPIRE', KEYS[3], ARGV[5])
  redis.call('EXPIRE', KEYS[4], ARGV[5])
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

/** Call records in Redis, shared by every bridge instance. A list index is a transcript entry's seq. */
export class RedisCallStore implements CallStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private callKey(id: string): string {
    return `${this.prefix}call:${id}`;
  }

  private transcriptKey(id: string): string {
    return `${this.prefix}call:${id}:transcript`;
  }

  private entryIdsKey(id: string): string {
    return `${this.prefix}call:${id}:transcript:ids`;
  }

  async createCall(call: CallRecord, claim?: IdempotencyClaim): Promise<CreateCallResult> {
    const keys = [this.callKey(call.id), `${this.prefix}calls`, `${this.prefix}calls:active`];
    if (claim) keys.push(`${this.prefix}idem:${claim.key}`);
    const existing = await CREATE_CALL.run<string | null>(this.redis, keys, [
      JSON.stringify(call),
      Date.parse(call.createdAt),
      call.id,
      claim?.fingerprint ?? '',
      IDEMPOTENCY_TTL_SEC,
    ]);
    if (!existing) return { outcome: 'created', call };
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
      const keys = [this.callKey(id), `${this.prefix}calls:active`, this.transcriptKey(id), this.entryIdsKey(id)];
      const ok = await UPDATE_CALL.run<number>(this.redis, keys, [
        json,
        JSON.stringify(stored),
        id,
        isTerminal(stored.status) ? '1' : '0',
        ENDED_CALL_TTL_SEC,
      ]);
      if (ok === 1) return { call: stored, changed: true };
    }
    throw new Error(`call ${id}: too much contention updating the record`);
  }

  async listCalls(query: CallQuery): Promise<CallPage> {
    const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
    const page = new PageBuilder(query, (id) => this.getTranscript(id));
    if (query.status === 'active') {
      // Few calls are live at once: read them all and order them here.
      const live = (await this.fetch(await this.redis.smembers(`${this.prefix}calls:active`))).sort(newerFirst);
      for (const call of live) if (afterCursor(call, cursor) && !(await page.offer(call))) break;
      return page.result();
    }
    const max = cursor ? String(cursor.at) : '+inf';
    for (let offset = 0; ; offset += LIST_BATCH) {
      const ids = await this.redis.zrevrangebyscore(`${this.prefix}calls`, max, '-inf', 'LIMIT', offset, LIST_BATCH);
      if (ids.length === 0) return page.result();
      for (const call of await this.fetch(ids))
        if (afterCursor(call, cursor) && !(await page.offer(call))) return page.result();
    }
  }

  /** Records in the order of `ids`; ids whose record has expired are dropped from the index. */
  private async fetch(ids: string[]): Promise<CallRecord[]> {
    if (ids.length === 0) return [];
    const values = await this.redis.mget(ids.map((id) => this.callKey(id)));
    const gone = ids.filter((_, i) => values[i] === null);
    if (gone.length > 0)
      await this.redis
        .multi()
        .zrem(`${this.prefix}calls`, ...gone)
        .srem(`${this.prefix}calls:active`, ...gone)
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
}
