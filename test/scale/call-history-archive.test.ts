import { Pool } from 'pg';
import { BridgeProcess } from '../support/bridge-process';
import { cleanRedis, readEvents, testPrefix } from '../support/sandbox-bridge';
import { TcpProxy } from '../support/tcp-proxy';
import { createTestDatabase, type TestDatabase } from '../support/test-postgres';
import { testRedis } from '../support/test-redis';
import { until } from '../support/webhook-receiver';

const CALLS = Number(process.env.HISTORY_CALLS ?? 1000);
const PLACE_EVERY_MS = 40;
const OUTAGE_MS = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * 1,000 sandbox calls archived through the events stream while the archiver is SIGKILLed and
 * restarted, and while PostgreSQL is unreachable for 30 s: every event is archived once, and each
 * call's archived state is its final one. One bridge carries the calls (HISTORY_ARCHIVER=0); a
 * second is the archiver; PostgreSQL is reached through a proxy the test can cut.
 */
describe('the archive under a crash and a database outage (real Redis, real PostgreSQL)', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let check: Pool;
  const prefix = testPrefix();
  const processes: BridgeProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    proxy = new TcpProxy('127.0.0.1', Number(new URL(db.url).port || 5432));
    await proxy.start();
    check = new Pool({ connectionString: db.url });
  });

  afterAll(async () => {
    await Promise.all(processes.map((bridge) => bridge.kill()));
    await check.end();
    await proxy.stop();
    await db.drop();
    await cleanRedis(prefix);
  });

  function bridge(name: string, extra: Record<string, string>): BridgeProcess {
    const one = new BridgeProcess(name, {
      SANDBOX: '1',
      SANDBOX_SPEED: '8',
      REDIS_KEY_PREFIX: prefix,
      DATABASE_URL: db.urlVia(proxy.port),
      HISTORY_CLAIM_IDLE_SEC: '3',
      ...extra,
    });
    processes.push(one);
    return one;
  }

  /** Entries the group has handed to a consumer and not had acknowledged, by consumer. */
  async function pendingByConsumer(): Promise<Record<string, number>> {
    const redis = testRedis();
    try {
      const consumers = (await redis.xinfo('CONSUMERS', `${prefix}events`, 'voice-bridge-archive')) as unknown[][];
      return Object.fromEntries(consumers.map((c) => [String(c[1]), Number(c[3])]));
    } finally {
      redis.disconnect();
    }
  }

  it('archives every event of 1,000 calls once, through an archiver SIGKILL and a 30 s PostgreSQL outage', async () => {
    const carrier = bridge('history-calls', { HISTORY_ARCHIVER: '0' });
    await carrier.start();
    let archiver = bridge('history-archiver-1', {});
    await archiver.start();

    const placed: string[] = [];
    const report: Record<string, unknown> = { calls: CALLS };
    const place = async (i: number) => {
      // One call in five is answered and talks; the others are busy or fail, as a campaign's do.
      const to = [`+1555901${String(i % 1000).padStart(3, '0')}1`, '+15557000002', '+15557000004'][
        [0, 1, 2, 1, 2][i % 5]
      ];
      const response = await carrier.api('/v1/calls', {
        method: 'POST',
        json: { to, mode: 'agent', agent: { prompt: `History load call ${i}.` } },
      });
      if (response.status !== 201) throw new Error(`call ${i}: ${response.status} ${JSON.stringify(response.body)}`);
      placed.push(response.body.id);
    };
    const started = Date.now();
    const placing = (async () => {
      for (let i = 0; i < CALLS; i++) {
        await place(i);
        await sleep(PLACE_EVERY_MS);
      }
    })();

    // The archiver dies in mid-run, and a new one (another consumer) takes its place.
    await until(() => placed.length >= CALLS * 0.2, 60_000, 'a fifth of the calls placed');
    const pendingAtKills: Record<string, number>[] = [await pendingByConsumer()];
    await archiver.kill();
    await sleep(1000);
    archiver = bridge('history-archiver-2', {});
    await archiver.start();

    // PostgreSQL goes away for 30 s while calls go on; halfway through, the archiver is killed
    // again, holding entries it read and could not write, and a third one starts.
    await until(() => placed.length >= CALLS * 0.4, 60_000, 'two fifths of the calls placed');
    await proxy.cut();
    // Counted once a write in flight at the cut has committed or failed (the check pool goes direct).
    await sleep(1000);
    const archivedBeforeOutage = Number((await check.query('SELECT count(*) FROM vb_call_events')).rows[0].count);
    await sleep(OUTAGE_MS / 2 - 1000);
    pendingAtKills.push(await pendingByConsumer());
    await archiver.kill();
    // It starts while PostgreSQL is still away: calls would go on, and the archive waits.
    archiver = bridge('history-archiver-3', {});
    await archiver.start();
    await sleep(OUTAGE_MS / 2);
    const archivedAfterOutage = Number((await check.query('SELECT count(*) FROM vb_call_events')).rows[0].count);
    await proxy.restore();
    report.pendingAtKills = pendingAtKills;
    await placing;

    const callEvents = async () => (await readEvents(prefix)).filter((e) => e.type.startsWith('call.'));
    await until(
      async () => (await callEvents()).filter((e) => e.type === 'call.ended').length >= CALLS,
      120_000,
      'every call ended',
    );
    const events = await callEvents();
    await until(
      async () => Number((await check.query('SELECT count(*) FROM vb_call_events')).rows[0].count) >= events.length,
      120_000,
      'the archive caught up',
    );
    const caughtUpMs = Date.now() - started;
    await sleep(3000); // anything late or doubled would show now

    const rows = await check.query<{ event_id: string }>('SELECT event_id FROM vb_call_events');
    const archivedIds = new Set(rows.rows.map((row) => row.event_id));
    const missing = events.filter((e) => !archivedIds.has(e.id)).length;
    const streamIds = new Set(events.map((e) => e.id));
    const extra = rows.rows.filter((row) => !streamIds.has(row.event_id)).length;
    const calls = await check.query<{ id: string; status: string; end_reason: string; entries: string }>(
      'SELECT c.id, c.status, c.end_reason, (SELECT count(*) FROM vb_transcript_entries t WHERE t.call_id = c.id) AS entries FROM vb_calls c',
    );
    const finalState = new Map(events.filter((e) => e.type === 'call.ended').map((e) => [e.call.id, e.call]));
    const stale = calls.rows.filter((row) => {
      const last = finalState.get(row.id)!;
      return (
        row.status !== last.status ||
        row.end_reason !== last.endReason ||
        Number(row.entries) !== last.transcript.length
      );
    }).length;
    Object.assign(report, {
      eventsInStream: events.length,
      eventsArchived: rows.rows.length,
      missing,
      duplicates: rows.rows.length - archivedIds.size + extra,
      callsArchived: calls.rows.length,
      callsNotInFinalState: stale,
      transcriptEntries: calls.rows.reduce((sum, row) => sum + Number(row.entries), 0),
      archivedDuringOutage: archivedAfterOutage - archivedBeforeOutage,
      caughtUpAfterMs: caughtUpMs,
    });
    process.stdout.write(`${JSON.stringify({ historyArchive: report })}\n`);
    expect(calls.rows.length).toBe(CALLS);
    expect(missing).toBe(0);
    expect(rows.rows.length).toBe(events.length);
    expect(stale).toBe(0);
    expect(archivedAfterOutage - archivedBeforeOutage).toBe(0);
    expect(new Set(placed).size).toBe(CALLS);
  }, 400_000);
});
