import { Pool } from 'pg';
import { ArchiveWriter, compareStreamIds } from '../../../bridge-server/src/history/archive-writer';
import { migrateHistory } from '../../../bridge-server/src/history/migrations';
import { silentLogger } from '../../../bridge-server/src/shared/logger';
import { createTestDatabase, type TestDatabase } from '../../support/test-postgres';
import { callEvent, callResource, entry } from './history-fixtures';

describe('ArchiveWriter (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let writer: ArchiveWriter;

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateHistory(db.url, silentLogger());
    pool = new Pool({ connectionString: db.url });
    writer = new ArchiveWriter(pool);
  });

  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  beforeEach(() => pool.query('TRUNCATE vb_calls, vb_deleted_calls CASCADE'));

  const count = async (table: string) => Number((await pool.query(`SELECT count(*) FROM ${table}`)).rows[0].count);

  it('orders stream ids by milliseconds and then sequence, as numbers', () => {
    expect(compareStreamIds('1700000000000-2', '1700000000000-10')).toBeLessThan(0);
    expect(compareStreamIds('999-5', '1000-0')).toBeLessThan(0);
    expect(compareStreamIds('1000-3', '1000-3')).toBe(0);
  });

  it('archives a call, its transcript entries and its events; writing the same batch again adds nothing', async () => {
    const hello = entry(1, 'agent', 'Hello, this is the dental office');
    const reply = entry(2, 'callee', 'I would like to move my appointment');
    const ringing = callResource({ status: 'ringing', answeredAt: null, answeredBy: null });
    const talking = callResource({ transcript: [hello] });
    const ended = callResource({
      status: 'completed',
      endReason: 'callee-hangup',
      endedAt: '2026-12-01T10:01:00.000Z',
      durationSec: 55,
      transcript: [hello, reply],
    });
    const batch = [
      { streamId: '1000-0', event: callEvent('call.status', ringing, 'status:ringing') },
      { streamId: '1000-1', event: callEvent('call.transcript', talking, 'entry:1', hello) },
      { streamId: '1001-0', event: callEvent('call.ended', ended, 'ended') },
    ];
    expect(await writer.write(batch)).toEqual({ archived: 3, duplicates: 0 });
    expect(await writer.write(batch)).toEqual({ archived: 0, duplicates: 3 });
    expect([await count('vb_calls'), await count('vb_transcript_entries'), await count('vb_call_events')]).toEqual([
      1, 2, 3,
    ]);
    const row = (await pool.query('SELECT status, end_reason, duration_sec, resource FROM vb_calls')).rows[0];
    expect(row).toMatchObject({ status: 'completed', end_reason: 'callee-hangup', duration_sec: 55 });
    expect(row.resource.transcript).toBeUndefined();
    expect(row.resource.metadata).toEqual({ lead: 42 });
  });

  it('never lets an older event overwrite the state a newer one wrote (a redelivery arriving late)', async () => {
    const ended = callResource({ status: 'completed', endReason: 'agent-hangup', endedAt: '2026-12-01T10:01:00.000Z' });
    await writer.write([{ streamId: '2000-0', event: callEvent('call.ended', ended, 'ended') }]);
    const ringing = callResource({ status: 'ringing' });
    await writer.write([{ streamId: '1999-9', event: callEvent('call.status', ringing, 'status:ringing') }]);
    expect((await pool.query('SELECT status FROM vb_calls')).rows[0].status).toBe('completed');
    expect(await count('vb_call_events')).toBe(2);
  });

  it('keeps a call deleted on request deleted: its events still in the stream are not archived again', async () => {
    const call = callResource({ id: 'call_0000000000000000000002' });
    await pool.query('INSERT INTO vb_deleted_calls (id) VALUES ($1)', [call.id]);
    expect(
      await writer.write([{ streamId: '3000-0', event: callEvent('call.status', call, 'status:in-progress') }]),
    ).toEqual({ archived: 0, duplicates: 1 });
    expect(await count('vb_calls')).toBe(0);
  });
});
