import { Pool } from 'pg';
import { ArchiveWriter } from '../../../bridge-server/src/history/archive-writer';
import { openPool } from '../../../bridge-server/src/history/call-archive';
import { EventArchiver } from '../../../bridge-server/src/history/event-archiver';
import { EventStreamGroup } from '../../../bridge-server/src/history/event-stream-group';
import { migrateHistory } from '../../../bridge-server/src/history/migrations';
import { Registry } from 'prom-client';
import { ArchiveMetrics } from '../../../bridge-server/src/history/archive-metrics';
import { silentLogger, type Logger } from '../../../bridge-server/src/shared/logger';
import { RedisDeliveryStore } from '../../../bridge-server/src/store/redis-delivery-store';
import { capturingLogger } from '../../support/log-capture';
import { testPrefix } from '../../support/sandbox-bridge';
import { TcpProxy } from '../../support/tcp-proxy';
import { createTestDatabase, type TestDatabase } from '../../support/test-postgres';
import { cleanRedis, testRedis } from '../../support/test-redis';
import { until } from '../../support/webhook-receiver';
import { callEvent, callResource, entry } from './history-fixtures';

const GROUP = 'voice-bridge-archive';

describe('EventArchiver (real Redis consumer group, real PostgreSQL)', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let pool: Pool;
  let check: Pool;
  let prefix: string;
  const redis = testRedis();
  const reader = testRedis();
  const running: EventArchiver[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateHistory(db.url, silentLogger());
    proxy = new TcpProxy('127.0.0.1', Number(new URL(db.url).port || 5432));
    check = new Pool({ connectionString: db.url });
  });

  beforeEach(async () => {
    prefix = testPrefix();
    await proxy.restore();
    pool = openPool(db.urlVia(proxy.port), silentLogger());
    await check.query('TRUNCATE vb_calls, vb_deleted_calls CASCADE');
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((archiver) => archiver.stop()));
    await pool.end().catch(() => undefined);
    await cleanRedis(prefix);
  });

  afterAll(async () => {
    redis.disconnect();
    reader.disconnect();
    await check.end();
    await proxy.stop();
    await db.drop();
  });

  function archiver(consumer: string, options: { log?: Logger; claimIdleMs?: number; streamMaxLength?: number } = {}) {
    const metrics = new ArchiveMetrics(new Registry());
    const one = new EventArchiver({
      group: new EventStreamGroup(redis, reader, prefix, GROUP, consumer),
      writer: new ArchiveWriter(pool),
      log: options.log ?? silentLogger(),
      metrics,
      streamMaxLength: options.streamMaxLength ?? 100_000,
      claimIdleMs: options.claimIdleMs,
    });
    running.push(one);
    one.start();
    return { archiver: one, metrics };
  }

  /** Records `calls` calls of three events each (status, transcript, ended) as the bridge does. */
  async function recordCalls(calls: number, from = 0): Promise<void> {
    const store = new RedisDeliveryStore(redis, prefix);
    for (let i = from; i < from + calls; i++) {
      const id = `call_${String(i).padStart(22, '0')}`;
      const said = entry(1, 'callee', `order number ${i} please`);
      const ringing = callResource({ id, status: 'ringing' });
      const talking = callResource({ id, transcript: [said] });
      const ended = callResource({ id, status: 'completed', endReason: 'callee-hangup', transcript: [said] });
      for (const event of [
        callEvent('call.status', ringing, 'status:ringing'),
        callEvent('call.transcript', talking, 'entry:1', said),
        callEvent('call.ended', ended, 'ended'),
      ])
        await store.recordEvent(event, JSON.stringify(event), []);
    }
  }

  const rows = async () => {
    const [calls, events, distinct] = await Promise.all([
      check.query('SELECT count(*) FROM vb_calls'),
      check.query('SELECT count(*) FROM vb_call_events'),
      check.query('SELECT count(DISTINCT event_id) FROM vb_call_events'),
    ]);
    return {
      calls: Number(calls.rows[0].count),
      events: Number(events.rows[0].count),
      distinct: Number(distinct.rows[0].count),
    };
  };
  const pending = async () => Number((await redis.xpending(`${prefix}events`, GROUP))[0]);

  it('archives the events already in the stream and those that follow, and acknowledges each once it is written', async () => {
    await recordCalls(20);
    archiver('a');
    await recordCalls(10, 20);
    await until(async () => (await rows()).events === 90, 10_000, 'every event archived');
    expect(await rows()).toEqual({ calls: 30, events: 90, distinct: 90 });
    await until(async () => (await pending()) === 0, 5000, 'every entry acknowledged');
  });

  it('holds the backlog in the stream while PostgreSQL is unreachable, says so, and catches up when it returns', async () => {
    const { log, lines } = capturingLogger('warn');
    const { metrics } = archiver('a', { log, streamMaxLength: 1000 });
    await recordCalls(5);
    await until(async () => (await rows()).events === 15, 10_000, 'first events archived');
    await proxy.cut();
    await recordCalls(200, 5);
    await until(() => lines.some((line) => /archive is behind/.test(String(line.msg))), 15_000, 'the backlog warning');
    expect((await metrics.archiveWritable.get()).values[0].value).toBe(0);
    expect((await metrics.archiveBacklog.get()).values[0].value).toBeGreaterThanOrEqual(500);
    expect((await rows()).events).toBe(15);
    await proxy.restore();
    await until(async () => (await rows()).events === 615, 30_000, 'the archive caught up');
    expect(await rows()).toEqual({ calls: 205, events: 615, distinct: 615 });
    expect((await metrics.archiveWritable.get()).values[0].value).toBe(1);
  });

  it('takes over the entries a crashed archiver had read but not written, once they have been idle long enough', async () => {
    const crashed = new EventStreamGroup(redis, reader, prefix, GROUP, 'crashed');
    await crashed.ensure();
    await recordCalls(10);
    expect((await crashed.next(100, 100)).length).toBe(30); // read, never acknowledged: then the process died
    archiver('survivor', { claimIdleMs: 300 });
    await until(async () => (await rows()).events === 30, 10_000, 'the crashed reader’s events archived');
    expect(await rows()).toEqual({ calls: 10, events: 30, distinct: 30 });
    await until(async () => (await pending()) === 0, 5000, 'nothing left pending');
  });

  it('two archivers share the stream: each event is written once between them', async () => {
    archiver('one');
    archiver('two');
    await recordCalls(60);
    await until(async () => (await rows()).events === 180, 15_000, 'every event archived');
    expect(await rows()).toEqual({ calls: 60, events: 180, distinct: 180 });
  });

  it('an event PostgreSQL refuses is logged and acknowledged, and the rest of its batch is archived', async () => {
    const { log, lines } = capturingLogger('warn');
    const store = new RedisDeliveryStore(redis, prefix);
    const bad = callEvent(
      'call.status',
      callResource({ id: 'call_bad0000000000000000001', createdAt: 'yesterday-ish' }),
      'status:ringing',
    );
    await store.recordEvent(bad, JSON.stringify(bad), []);
    await recordCalls(3);
    archiver('a', { log });
    await until(async () => (await rows()).events === 9, 10_000, 'the good events archived');
    await until(async () => (await pending()) === 0, 5000, 'the bad event acknowledged');
    expect(
      lines.some((line) => line.msg === 'PostgreSQL refused an event; it is not archived' && line.eventId === bad.id),
    ).toBe(true);
  });
});
