import { inTransaction } from '../../../bridge-server/src/history/transaction';
import { openPool } from '../../../bridge-server/src/history/call-archive';
import { silentLogger } from '../../../bridge-server/src/shared/logger';
import { TcpProxy } from '../../support/tcp-proxy';
import { createTestDatabase, type TestDatabase } from '../../support/test-postgres';

describe('inTransaction (real PostgreSQL behind a proxy that can be cut)', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;

  beforeAll(async () => {
    db = await createTestDatabase();
    proxy = new TcpProxy('127.0.0.1', Number(new URL(db.url).port || 5432));
    await proxy.start();
  });

  afterAll(async () => {
    await proxy.stop();
    await db.drop();
  });

  it('fails the transaction, not the process, when the connection drops while it runs; the pool then recovers', async () => {
    const pool = openPool(db.urlVia(proxy.port), silentLogger());
    try {
      const running = inTransaction(pool, (client) => client.query('SELECT pg_sleep(2)'));
      await new Promise((resolve) => setTimeout(resolve, 300));
      await proxy.cut();
      await expect(running).rejects.toThrow(/Connection terminated/);
      await proxy.restore();
      const answer = await inTransaction(pool, (client) => client.query('SELECT 1 AS one'));
      expect(answer.rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });
});
