import { DEFAULT_EVENTS_STREAM_MAX_LENGTH } from '../config/history-settings';
import { eventChannel, eventsStreamKey } from './event-stream-keys';
import type { DeliveredEvent } from '../shared/wire-types';
import {
  bodyCarriesCall,
  EVENT_ID_MEMORY_SEC,
  jobId,
  type DeadLetter,
  type DeliveryJob,
  type DeliveryStore,
  type DeliveryTarget,
  type Subscription,
  type Waiter,
} from './delivery-store';
import { slotOf } from './key-slots';
import type { RedisClient } from './redis-connection';
import { RedisScript } from './redis-script';

/** Leases due jobs: each claimed job's due time moves to the lease's end, so it returns if its worker dies. */
const CLAIM_DUE = new RedisScript(`
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local jobs = {}
for _, id in ipairs(ids) do
  local job = redis.call('HGET', KEYS[2], id)
  if job then
    redis.call('ZADD', KEYS[1], ARGV[3], id)
    table.insert(jobs, job)
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return jobs`);

/**
 * Records an event once: the id marker, the stream entry, one outbox job per target and the
 * channel message, together. An id seen before records nothing (returns 0).
 */
const RECORD_EVENT = new RedisScript(`
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'event', ARGV[3])
for i = 6, #ARGV, 2 do
  redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
  redis.call('ZADD', KEYS[4], ARGV[4], ARGV[i])
end
redis.call('PUBLISH', ARGV[5], ARGV[3])
return 1`);

/** Stream entries read at a time while looking for a call's events to delete. */
const FORGET_SCAN_PAGE = 1000;

/** Waiters are kept a week past their deadline, for GET and for late lookups. */
const WAITER_TTL_SEC = 7 * 24 * 3600;

/**
 * The outbox, dead letters, subscriptions and waiters. Every key shares the slot of the public
 * events stream (`{<prefix>events}…`), because recording an event writes the stream and the
 * outbox in one script; on a Redis Cluster they live on one node.
 */
export class RedisDeliveryStore implements DeliveryStore {
  private readonly keys: Record<
    'eventIds' | 'jobs' | 'due' | 'dead' | 'deadIndex' | 'subscriptions' | 'waiters' | 'deadlines',
    string
  >;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly streamMaxLength = DEFAULT_EVENTS_STREAM_MAX_LENGTH,
  ) {
    const slot = slotOf(eventsStreamKey(prefix));
    this.keys = {
      eventIds: `${slot}:recorded`,
      jobs: `${slot}:outbox:jobs`,
      due: `${slot}:outbox:due`,
      dead: `${slot}:outbox:dead`,
      deadIndex: `${slot}:outbox:dead:index`,
      subscriptions: `${slot}:subscriptions`,
      waiters: `${slot}:waiters`,
      deadlines: `${slot}:waiters:deadlines`,
    };
  }

  async recordEvent(event: DeliveredEvent, body: string, targets: DeliveryTarget[]): Promise<boolean> {
    const now = Date.now();
    const jobs = targets.flatMap((target) => {
      const job: DeliveryJob = {
        id: jobId(event.id, target),
        eventId: event.id,
        target,
        body,
        attempts: 0,
        firstQueuedAt: now,
      };
      return [job.id, JSON.stringify(job)];
    });
    const keys = [`${this.keys.eventIds}:${event.id}`, eventsStreamKey(this.prefix), this.keys.jobs, this.keys.due];
    const args = [EVENT_ID_MEMORY_SEC, this.streamMaxLength, body, now, eventChannel(this.prefix, event.type), ...jobs];
    return (await RECORD_EVENT.run<number>(this.redis, keys, args)) === 1;
  }

  async claimDueJobs(now: number, limit: number, leaseMs: number): Promise<DeliveryJob[]> {
    const raw = await CLAIM_DUE.run<string[]>(this.redis, [this.keys.due, this.keys.jobs], [now, limit, now + leaseMs]);
    return raw.map((json) => JSON.parse(json) as DeliveryJob);
  }

  async completeJob(id: string): Promise<void> {
    await this.redis.multi().hdel(this.keys.jobs, id).zrem(this.keys.due, id).exec();
  }

  async rescheduleJob(job: DeliveryJob, dueAt: number): Promise<void> {
    await this.redis
      .multi()
      .hset(this.keys.jobs, job.id, JSON.stringify(job))
      .zadd(this.keys.due, dueAt, job.id)
      .exec();
  }

  async deadLetter(job: DeliveryJob, reason: string): Promise<void> {
    const dead: DeadLetter = { ...job, deadAt: new Date().toISOString(), reason };
    await this.redis
      .multi()
      .hdel(this.keys.jobs, job.id)
      .zrem(this.keys.due, job.id)
      .hset(this.keys.dead, job.id, JSON.stringify(dead))
      .zadd(this.keys.deadIndex, Date.now(), job.id)
      .exec();
  }

  async listDeadLetters(limit: number): Promise<DeadLetter[]> {
    const ids = await this.redis.zrevrange(this.keys.deadIndex, 0, limit - 1);
    if (ids.length === 0) return [];
    const values = await this.redis.hmget(this.keys.dead, ...ids);
    return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as DeadLetter);
  }

  async replayDeadLetter(id: string): Promise<boolean> {
    const json = await this.redis.hget(this.keys.dead, id);
    if (!json) return false;
    const { deadAt: _deadAt, reason: _reason, ...job } = JSON.parse(json) as DeadLetter;
    const fresh: DeliveryJob = { ...job, attempts: 0, firstQueuedAt: Date.now() };
    await this.redis
      .multi()
      .hdel(this.keys.dead, id)
      .zrem(this.keys.deadIndex, id)
      .hset(this.keys.jobs, id, JSON.stringify(fresh))
      .zadd(this.keys.due, Date.now(), id)
      .exec();
    return true;
  }

  async nextDueAt(): Promise<number | undefined> {
    const first = await this.redis.zrangebyscore(this.keys.due, '-inf', '+inf', 'WITHSCORES', 'LIMIT', 0, 1);
    return first.length === 2 ? Number(first[1]) : undefined;
  }

  async putSubscription(subscription: Subscription): Promise<void> {
    await this.redis.hset(this.keys.subscriptions, subscription.id, JSON.stringify(subscription));
  }

  async getSubscription(id: string): Promise<Subscription | undefined> {
    const json = await this.redis.hget(this.keys.subscriptions, id);
    return json ? (JSON.parse(json) as Subscription) : undefined;
  }

  async deleteSubscription(id: string): Promise<boolean> {
    return (await this.redis.hdel(this.keys.subscriptions, id)) === 1;
  }

  async listSubscriptions(): Promise<Subscription[]> {
    return Object.values(await this.redis.hgetall(this.keys.subscriptions)).map(
      (json) => JSON.parse(json) as Subscription,
    );
  }

  async putWaiter(waiter: Waiter): Promise<void> {
    const tx = this.redis
      .multi()
      .set(`${this.keys.waiters}:${waiter.id}`, JSON.stringify(waiter), 'EX', waiter.timeoutSec + WAITER_TTL_SEC);
    for (const callId of waiter.callIds)
      tx.sadd(`${this.keys.waiters}:call:${callId}`, waiter.id).expire(
        `${this.keys.waiters}:call:${callId}`,
        waiter.timeoutSec + WAITER_TTL_SEC,
      );
    tx.zadd(this.keys.deadlines, waiter.deadline, waiter.id);
    await tx.exec();
  }

  async getWaiter(id: string): Promise<Waiter | undefined> {
    const json = await this.redis.get(`${this.keys.waiters}:${id}`);
    return json ? (JSON.parse(json) as Waiter) : undefined;
  }

  async waiterIdsForCall(callId: string): Promise<string[]> {
    return this.redis.smembers(`${this.keys.waiters}:call:${callId}`);
  }

  async settleWaiter(id: string): Promise<boolean> {
    // Leaving the deadline index is the claim: ZREM answers 1 to exactly one caller.
    return (await this.redis.zrem(this.keys.deadlines, id)) === 1;
  }

  async overdueWaiterIds(now: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.deadlines, '-inf', now, 'LIMIT', 0, 100);
  }

  async forgetCall(callId: string): Promise<number> {
    const stream = eventsStreamKey(this.prefix);
    let removed = 0;
    for (let start = '-'; ;) {
      const page = (await this.redis.xrange(stream, start, '+', 'COUNT', FORGET_SCAN_PAGE)) as [string, string[]][];
      const carrying = page.filter(([, fields]) => fields.some((field) => bodyCarriesCall(field, callId)));
      if (carrying.length > 0) removed += await this.redis.xdel(stream, ...carrying.map(([id]) => id));
      if (page.length < FORGET_SCAN_PAGE) break;
      start = `(${page[page.length - 1][0]}`;
    }
    const dead = Object.entries(await this.redis.hgetall(this.keys.dead))
      .filter(([, json]) => bodyCarriesCall((JSON.parse(json) as DeadLetter).body, callId))
      .map(([id]) => id);
    if (dead.length > 0) {
      await this.redis
        .multi()
        .hdel(this.keys.dead, ...dead)
        .zrem(this.keys.deadIndex, ...dead)
        .exec();
      removed += dead.length;
    }
    return removed;
  }
}
