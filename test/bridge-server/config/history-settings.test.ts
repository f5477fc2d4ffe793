import { ConfigError, loadConfig } from '../../../bridge-server/src/config/load-config';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('history settings (DATABASE_URL and HISTORY_*)', () => {
  it('leaves the archive out when DATABASE_URL is unset', () => {
    expect(loadConfig({}).history).toBeUndefined();
    expect(loadConfig({}).eventsStreamMaxLength).toBe(100_000);
  });

  it('reads the archive settings, with the migrations at start-up and this instance archiving by default', () => {
    const config = loadConfig({
      REDIS_URL: 'redis://127.0.0.1:6379',
      DATABASE_URL: 'postgres://bridge:secret@db.internal:5432/voice',
      HISTORY_RETENTION_DAYS: '400',
      EVENTS_STREAM_MAX_LENGTH: '250000',
    });
    expect(config.history).toEqual({
      databaseUrl: 'postgres://bridge:secret@db.internal:5432/voice',
      retentionDays: 400,
      migrate: 'startup',
      archiver: true,
      claimIdleSec: 30,
    });
    expect(config.eventsStreamMaxLength).toBe(250_000);
  });

  it('refuses an archive without Redis, since it is fed from the events stream there', () => {
    expect(problems({ DATABASE_URL: 'postgres://127.0.0.1/voice' })).toEqual([
      'DATABASE_URL needs REDIS_URL: the archive is fed from the events stream in Redis',
    ]);
  });

  it('refuses HISTORY_* settings without DATABASE_URL, and names bad values', () => {
    expect(problems({ HISTORY_RETENTION_DAYS: '30' })).toEqual([
      'HISTORY_* settings need DATABASE_URL (the PostgreSQL archive)',
    ]);
    expect(
      problems({
        REDIS_URL: 'redis://127.0.0.1:6379',
        DATABASE_URL: 'mysql://127.0.0.1/voice',
      }),
    ).toEqual(['DATABASE_URL must be a postgres or postgresql URL (got "mysql://127.0.0.1/voice")']);
    expect(
      problems({
        REDIS_URL: 'redis://127.0.0.1:6379',
        DATABASE_URL: 'postgres://127.0.0.1/voice',
        HISTORY_RETENTION_DAYS: '0',
        HISTORY_MIGRATE: 'sometimes',
      }),
    ).toEqual([
      'HISTORY_RETENTION_DAYS must be a whole number from 1 to 36500 (got "0")',
      'HISTORY_MIGRATE must be one of startup, manual (got "sometimes")',
    ]);
  });
});
