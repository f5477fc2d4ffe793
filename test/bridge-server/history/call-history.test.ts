import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../support/test-postgres';
import { agentCall, readEvents, startTestBridge, type TestBridge } from '../../support/sandbox-bridge';
import { testRedis } from '../../support/test-redis';
import { until } from '../../support/webhook-receiver';

/** A sandbox bridge with Redis and the PostgreSQL archive: what the API gives from it. */
describe('the call history through the API (sandbox bridge, real Redis and PostgreSQL)', () => {
  let db: TestDatabase;
  let t: TestBridge;
  let check: Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestBridge({ DATABASE_URL: db.url, SANDBOX_SPEED: '8' });
    check = new Pool({ connectionString: db.url });
  });

  afterAll(async () => {
    await t.close();
    await check.end();
    await db.drop();
  });

  const archived = async (id: string) =>
    Number((await check.query('SELECT count(*) FROM vb_call_events WHERE call_id = $1', [id])).rows[0].count);

  it('archives every event of a call and finds the call by a word the callee said', async () => {
    const placed = await t.placeCall(agentCall('+15551230101'));
    const ended = await t.waitForEnd(placed.id, 40_000);
    const word = ended.transcript
      .find((e) => e.speaker === 'callee')!
      .text.split(/\W+/)
      .find((w) => w.length > 5)!;
    const events = (await readEvents(t.prefix)).filter((e) => e.type.startsWith('call.') && e.call.id === placed.id);
    await until(async () => (await archived(placed.id)) === events.length, 10_000, 'every event archived');
    const found = await t.api(`/v1/calls?q=${encodeURIComponent(word)}`);
    expect(found.status).toBe(200);
    expect(found.body.calls.map((c: { id: string }) => c.id)).toContain(placed.id);
    const call = found.body.calls.find((c: { id: string }) => c.id === placed.id);
    expect(call.status).toBe('completed');
    expect(call.transcript).toEqual(ended.transcript);
    expect((await t.api('/v1/calls?q=zebrafishnotsaid')).body.calls).toEqual([]);
  });

  it('deletes one call’s data everywhere on request, refuses while the call goes on, and never re-archives it', async () => {
    const placed = await t.placeCall(agentCall('+15551230102'));
    const refused = await t.api(`/v1/calls/${placed.id}/data`, { method: 'DELETE' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CALL_STILL_ACTIVE');
    await t.waitForEnd(placed.id, 40_000);
    await until(async () => (await archived(placed.id)) > 0, 10_000, 'the call archived');

    const erased = await t.api(`/v1/calls/${placed.id}/data`, { method: 'DELETE' });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ id: placed.id, store: true, archive: true });
    expect(erased.body.events).toBeGreaterThan(0);
    expect((await t.api(`/v1/calls/${placed.id}`)).status).toBe(404);
    expect((await readEvents(t.prefix)).filter((e) => JSON.stringify(e).includes(placed.id))).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the archiver's next reads
    expect((await check.query('SELECT count(*) FROM vb_calls WHERE id = $1', [placed.id])).rows[0].count).toBe('0');
    expect((await t.api(`/v1/calls/${placed.id}/data`, { method: 'DELETE' })).status).toBe(404);
  });

  it('answers a call the store has let go from the archive', async () => {
    const placed = await t.placeCall(agentCall('+15551230103'));
    const ended = await t.waitForEnd(placed.id, 40_000);
    const events = (await readEvents(t.prefix)).filter((e) => e.type.startsWith('call.') && e.call.id === placed.id);
    await until(async () => (await archived(placed.id)) === events.length, 10_000, 'every event archived');
    // As if its 30 days in Redis had run out.
    const redis = testRedis();
    await redis.del(`${t.prefix}call:{${placed.id}}`, `${t.prefix}call:{${placed.id}}:transcript`);
    redis.disconnect();
    const fromArchive = await t.api(`/v1/calls/${placed.id}`);
    expect(fromArchive.status).toBe(200);
    expect(fromArchive.body).toEqual(ended);
  });
});
