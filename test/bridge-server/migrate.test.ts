import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/test-postgres';
import { cleanRedis, REDIS_URL } from '../support/test-redis';
import { runBridgeBin } from '../support/bridge-bin';

/** The bridge's bin with `args`, PORT 0 and only `env`, stopped with SIGTERM after `ms`. */
const run = (args: string[], env: Record<string, string>, ms = 20_000) => runBridgeBin({ PORT: '0', ...env }, args, ms);

describe('voice-bridge migrate, and HISTORY_MIGRATE=manual', () => {
  let db: TestDatabase;
  const prefix = `vbtest:migrate${Date.now()}:`;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
    await cleanRedis(prefix);
  });

  it('refuses to start with migrations pending under HISTORY_MIGRATE=manual, migrates on the command, then starts', async () => {
    const env = { REDIS_URL, DATABASE_URL: db.url, HISTORY_MIGRATE: 'manual', REDIS_KEY_PREFIX: prefix };
    const refused = await run([], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /the history database needs migrations \(1764720000000_call-history\); run "voice-bridge migrate"/,
    );
    expect(refused.stderr).not.toContain(db.url); // no password or full URL in the line

    const migrated = await run(['migrate'], { DATABASE_URL: db.url });
    expect(migrated).toMatchObject({ code: 0, stderr: '' });
    expect(migrated.stdout).toMatch(/ran 1764720000000_call-history/);
    expect((await run(['migrate'], { DATABASE_URL: db.url })).stdout).toMatch(/is up to date/);

    const client = new Client({ connectionString: db.url });
    await client.connect();
    const tables = await client.query("SELECT tablename FROM pg_tables WHERE tablename LIKE 'vb_%' ORDER BY 1");
    await client.end();
    expect(tables.rows.map((row) => row.tablename)).toEqual([
      'vb_call_events',
      'vb_calls',
      'vb_deleted_calls',
      'vb_migrations',
      'vb_transcript_entries',
    ]);
    const started = await run([], env, 4000);
    expect(started.stdout).toMatch(/voice bridge listening/);
  });

  it('says in one line when the database cannot be reached', async () => {
    const failed = await run(['migrate'], { DATABASE_URL: 'postgres://postgres:hunter2@127.0.0.1:1/none' });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^voice-bridge migrate: postgres:\/\/127\.0\.0\.1:1\/none: /);
    expect(failed.stderr).not.toContain('hunter2');
  });
});
