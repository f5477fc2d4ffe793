import { Redis } from 'ioredis';
import { newCallRecord } from '../../../bridge-server/src/calls/new-call-record';
import { silentLogger } from '../../../bridge-server/src/shared/logger';
import { renamedKey, upgradeKeyLayout } from '../../../bridge-server/src/store/key-layout-upgrade';
import { RedisCallStore } from '../../../bridge-server/src/store/redis-call-store';
import { RedisDeliveryStore } from '../../../bridge-server/src/store/redis-delivery-store';
import { cleanRedis, REDIS_URL, testPrefix } from '../../support/sandbox-bridge';

describe('upgrading the key layout of an earlier version', () => {
  it('names where each old key lives now, and leaves alone the keys whose names stayed', () => {
    const p = 'voicebridge:';
    expect(renamedKey(p, 'voicebridge:call:call_1')).toBe('voicebridge:call:{call_1}');
    expect(renamedKey(p, 'voicebridge:call:call_1:transcript:ids')).toBe('voicebridge:call:{call_1}:transcript:ids');
    expect(renamedKey(p, 'voicebridge:calls')).toBe('{voicebridge:calls}');
    expect(renamedKey(p, 'voicebridge:calls:active')).toBe('{voicebridge:calls}:active');
    expect(renamedKey(p, 'voicebridge:idem:abc')).toBe('{voicebridge:calls}:idem:abc');
    expect(renamedKey(p, 'voicebridge:events:recorded:evt_1')).toBe('{voicebridge:events}:recorded:evt_1');
    expect(renamedKey(p, 'voicebridge:outbox:due')).toBe('{voicebridge:events}:outbox:due');
    expect(renamedKey(p, 'voicebridge:waiters:call:call_1')).toBe('{voicebridge:events}:waiters:call:call_1');
    for (const stays of [
      'voicebridge:events',
      'voicebridge:tools',
      'voicebridge:inbound-routes',
      'voicebridge:call:{call_1}',
    ])
      expect(renamedKey(p, stays)).toBeUndefined();
    // With a hash tag in the prefix some names are the same in both layouts: nothing to move.
    expect(renamedKey('{t}:', '{t}:outbox:jobs')).toBeUndefined();
    expect(renamedKey('{t}:', '{t}:calls:active')).toBe('{t}:active');
  });

  describe('on a real Redis', () => {
    const prefix = testPrefix();
    const redis = new Redis(REDIS_URL);

    afterAll(async () => {
      await cleanRedis(prefix);
      redis.disconnect();
    });

    it('moves calls, transcripts, indexes, Idempotency-Keys, the outbox, subscriptions and waiters, keeping TTLs, so the stores read them', async () => {
      // What the earlier version left in Redis, key by key under its names.
      const call = newCallRecord({ id: 'call_old1', mode: 'agent', to: '+15551230000', from: '+15557650000' });
      const job = {
        id: 'job1',
        eventId: 'evt_1',
        target: { kind: 'subscription', id: 'sub_1' },
        body: '{}',
        attempts: 0,
        firstQueuedAt: Date.now(),
      };
      const waiter = {
        id: 'wtr_1',
        callIds: [call.id],
        url: 'http://127.0.0.1:1/w',
        secret: 's',
        timeoutSec: 60,
        createdAt: new Date().toISOString(),
        deadline: Date.now() + 60_000,
      };
      await redis
        .multi()
        .set(`${prefix}call:${call.id}`, JSON.stringify(call), 'EX', 1000)
        .rpush(
          `${prefix}call:${call.id}:transcript`,
          JSON.stringify({ speaker: 'callee', text: 'hello there', startMs: 0, endMs: 500 }),
        )
        .hset(`${prefix}call:${call.id}:transcript:ids`, 'e1', '1')
        .zadd(`${prefix}calls`, Date.parse(call.createdAt), call.id)
        .sadd(`${prefix}calls:active`, call.id)
        .set(`${prefix}idem:key-1`, `${call.id} fp`, 'EX', 1000)
        .hset(`${prefix}outbox:jobs`, job.id, JSON.stringify(job))
        .zadd(`${prefix}outbox:due`, Date.now() - 1000, job.id)
        .hset(
          `${prefix}subscriptions`,
          'sub_1',
          JSON.stringify({
            id: 'sub_1',
            url: 'http://127.0.0.1:1/s',
            events: ['call.ended'],
            secret: 's',
            createdAt: '',
          }),
        )
        .set(`${prefix}waiters:${waiter.id}`, JSON.stringify(waiter))
        .sadd(`${prefix}waiters:call:${call.id}`, waiter.id)
        .zadd(`${prefix}waiters:deadlines`, waiter.deadline, waiter.id)
        .exec();

      expect(await upgradeKeyLayout(redis, prefix, silentLogger())).toBe(12);

      const calls = new RedisCallStore(redis, prefix);
      expect((await calls.getCall(call.id))?.to).toBe('+15551230000');
      expect((await calls.getTranscript(call.id)).map((e) => e.text)).toEqual(['hello there']);
      expect((await calls.listCalls({ limit: 10 })).calls.map((c) => c.id)).toEqual([call.id]);
      expect((await calls.listActiveCalls()).map((c) => c.id)).toEqual([call.id]);
      const replay = await calls.createCall(newCallRecord({ id: 'call_new', mode: 'agent', to: '+1', from: '+1' }), {
        key: 'key-1',
        fingerprint: 'fp',
      });
      expect(replay).toMatchObject({ outcome: 'replayed', call: { id: call.id } });
      expect(await redis.ttl(`${prefix}call:{${call.id}}`)).toBeGreaterThan(900);

      const delivery = new RedisDeliveryStore(redis, prefix);
      expect((await delivery.claimDueJobs(Date.now(), 10, 1000)).map((j) => j.id)).toEqual([job.id]);
      expect((await delivery.getSubscription('sub_1'))?.url).toBe('http://127.0.0.1:1/s');
      expect((await delivery.getWaiter(waiter.id))?.callIds).toEqual([call.id]);
      expect(await delivery.waiterIdsForCall(call.id)).toEqual([waiter.id]);
      expect(await delivery.overdueWaiterIds(waiter.deadline + 1)).toEqual([waiter.id]);

      // Nothing is left under the old names, and a second start-up has nothing to do.
      expect(await redis.exists(`${prefix}call:${call.id}`, `${prefix}calls`, `${prefix}outbox:jobs`)).toBe(0);
      expect(await upgradeKeyLayout(redis, prefix, silentLogger())).toBe(0);
    });
  });
});
