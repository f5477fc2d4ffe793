import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` in one transaction on a pooled connection: committed if it resolves, rolled back if
 * it throws. A connection that failed mid-transaction is closed, not handed to the next user, and
 * one that drops mid-transaction fails it (never the process).
 */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failed = false;
  // A connection lost while checked out is emitted as an 'error' on the client (pg-pool listens
  // only while it is idle): noted here, so it fails this transaction instead of the process.
  const lost = () => (failed = true);
  client.on('error', lost);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    failed = true;
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.removeListener('error', lost);
    client.release(failed);
  }
}
