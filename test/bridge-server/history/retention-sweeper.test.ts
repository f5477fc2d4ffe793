import { Pool } from 'pg';
import { ArchiveWriter } from '../../../bridge-server/src/history/archive-writer';
import { CallArchive } from '../../../bridge-server/src/history/call-archive';
import { migrateHistory } from '../../../bridge-server/src/history/migrations';
import { RetentionSweeper } from '../../../bridge-server/src/history/retention-sweeper';
import { silentLogger } from '../../../bridge-server/src/shared/logger';
import { createTestDatabase, type TestDatabase } from '../../support/test-postgres';
import { callEvent, callResource, entry } from './history-fixtures';

describe('RetentionSweeper (HISTORY_RETENTION_DAYS, real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateHistory(db.url, silentLogger());
    pool = new Pool({ connectionString: db.url });
  });

  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('deletes calls older than the retention with their transcripts and events, and keeps the newer ones', async () => {
    const now = Date.parse('2026-12-03T12:00:00Z');
    const ages = [40, 31, 29, 1]; // days
    await new ArchiveWriter(pool).write(
      ages.map((days, i) => {
        const call = callResource({
          id: `call_retain${String(i).padStart(17, '0')}`,
          createdAt: new Date(now - days * 86_400_000).toISOString(),
          transcript: [entry(1, 'callee', `said ${days} days ago`)],
        });
        return { streamId: `${7000 + i}-0`, event: callEvent('call.ended', call, 'ended') };
      }),
    );
    const sweeper = new RetentionSweeper(new CallArchive(pool), 30, silentLogger());
    expect(await sweeper.sweep(now)).toBe(2);
    const left = await pool.query('SELECT id FROM vb_calls ORDER BY created_at');
    expect(left.rows.map((row) => row.id.slice(-1))).toEqual(['2', '3']);
    const orphans = await pool.query(
      'SELECT (SELECT count(*) FROM vb_transcript_entries) AS entries, (SELECT count(*) FROM vb_call_events) AS events',
    );
    expect(orphans.rows[0]).toEqual({ entries: '2', events: '2' });
    expect(await sweeper.sweep(now)).toBe(0);
  });
});
