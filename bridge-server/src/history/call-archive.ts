import { Pool } from 'pg';
import { redactUrl } from '../shared/log-redaction';
import type { Logger } from '../shared/logger';
import type { CallQuery } from '../store/call-query';
import type { CallResource } from '../shared/wire-types';
import { archiveRequest } from './database-errors';
import { inTransaction } from './transaction';
import { searchArchive, transcriptsOf, type ArchivePage } from './history-search';

/** Rows deleted per statement while pruning, so no statement holds locks for long. */
const PRUNE_BATCH = 1000;
/** Deletion markers are kept this long: longer than any event can wait in the stream to be archived. */
const DELETION_MARKER_DAYS = 90;

/** A pool for DATABASE_URL whose idle-connection errors are logged, never thrown at the process. */
export function openPool(databaseUrl: string, log: Logger): Pool {
  const pool = new Pool({ connectionString: databaseUrl, max: 5, connectionTimeoutMillis: 5000 });
  pool.on('error', (error) =>
    log.warn({ err: error, database: redactUrl(databaseUrl) }, 'PostgreSQL dropped an idle connection'),
  );
  return pool;
}

/** The archived calls in PostgreSQL: read, searched, deleted on request, pruned by age. */
export class CallArchive {
  constructor(readonly pool: Pool) {}

  search(query: CallQuery): Promise<ArchivePage> {
    return archiveRequest(() => searchArchive(this.pool, query));
  }

  getCall(id: string): Promise<CallResource | undefined> {
    return archiveRequest(async () => {
      const rows = await this.pool.query<{ resource: Omit<CallResource, 'transcript'> }>(
        'SELECT resource FROM vb_calls WHERE id = $1',
        [id],
      );
      if (rows.rows.length === 0) return undefined;
      return { ...rows.rows[0].resource, transcript: (await transcriptsOf(this.pool, [id])).get(id) ?? [] };
    });
  }

  /**
   * Deletes the call's rows (transcript and events go with it) and marks it deleted, in one
   * transaction, so an event of it still waiting in the stream is never archived again.
   * Resolves to whether the archive held the call.
   */
  forget(id: string): Promise<boolean> {
    return archiveRequest(() => this.forgetNow(id));
  }

  private forgetNow(id: string): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      await client.query('INSERT INTO vb_deleted_calls (id) VALUES ($1) ON CONFLICT (id) DO NOTHING', [id]);
      const deleted = await client.query('DELETE FROM vb_calls WHERE id = $1', [id]);
      return (deleted.rowCount ?? 0) > 0;
    });
  }

  /** Deletes calls created before `cutoff` (their transcripts and events go with them); resolves to how many. */
  async pruneBefore(cutoff: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.pool.query(
        'DELETE FROM vb_calls WHERE id IN (SELECT id FROM vb_calls WHERE created_at < $1 LIMIT $2)',
        [cutoff.toISOString(), PRUNE_BATCH],
      );
      total += deleted.rowCount ?? 0;
      if ((deleted.rowCount ?? 0) < PRUNE_BATCH) break;
    }
    await this.pool.query(
      `DELETE FROM vb_deleted_calls WHERE deleted_at < now() - interval '${DELETION_MARKER_DAYS} days'`,
    );
    return total;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
