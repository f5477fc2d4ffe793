import { setTimeout as sleep } from 'node:timers/promises';
import type { HistorySettings } from '../config/history-settings';
import type { RedisSettings } from '../config/redis-settings';
import type { Logger } from '../shared/logger';
import { redactUrl } from '../shared/log-redaction';
import { StartupError } from '../shared/startup-error';
import { connectRedis, type RedisClient } from '../store/redis-connection';
import type { ArchiveMetrics } from './archive-metrics';
import { ArchiveWriter } from './archive-writer';
import { CallArchive, openPool } from './call-archive';
import { isUnavailable } from './database-errors';
import { EventArchiver } from './event-archiver';
import { EventStreamGroup } from './event-stream-group';
import { migrateHistory } from './migrations';
import { RetentionSweeper } from './retention-sweeper';

/** The consumer group every instance's archiver joins. */
export const ARCHIVER_GROUP = 'voice-bridge-archive';
/** While PostgreSQL is unreachable at start-up, preparing it is tried again this often. */
const PREPARE_RETRY_MS = 5000;

export interface CallHistory {
  archive: CallArchive;
  start(): void;
  close(): Promise<void>;
}

export interface CallHistoryOptions {
  settings: HistorySettings;
  redis: RedisClient;
  redisSettings: RedisSettings;
  prefix: string;
  /** This instance's name, as the consumer's name in the group. */
  instance: string;
  streamMaxLength: number;
  log: Logger;
  metrics: ArchiveMetrics;
}

/** Brings the schema up to date (HISTORY_MIGRATE=startup) or checks that it is (manual). */
async function prepare(settings: HistorySettings, log: Logger): Promise<void> {
  const manual = settings.migrate === 'manual';
  const ran = await migrateHistory(settings.databaseUrl, log, manual);
  if (manual && ran.length > 0)
    throw new StartupError(
      `the history database needs migrations (${ran.join(', ')}); run "voice-bridge migrate", or unset HISTORY_MIGRATE to run them at start-up`,
    );
  if (ran.length > 0) log.info({ migrations: ran }, 'history database migrated');
}

function startupError(error: unknown): StartupError {
  if (error instanceof StartupError) return error;
  return new StartupError(
    `the history database (DATABASE_URL) could not be prepared: ${error instanceof Error ? error.message : String(error)}`,
  );
}

/**
 * The PostgreSQL archive as one instance runs it: the schema prepared, the archiver in the
 * consumer group, and the retention sweep. A database that refuses (wrong password, a failed
 * migration) stops the start-up with one line; one that is merely unreachable does not: calls
 * go on, events wait in the stream, and the archive starts once the database answers.
 */
export async function openCallHistory(options: CallHistoryOptions): Promise<CallHistory> {
  const { settings, log } = options;
  const pool = openPool(settings.databaseUrl, log);
  let prepared = false;
  try {
    await prepare(settings, log);
    prepared = true;
  } catch (error) {
    if (!isUnavailable(error)) {
      await pool.end().catch(() => undefined);
      throw startupError(error);
    }
    log.warn(
      { err: error, database: redactUrl(settings.databaseUrl) },
      'the history database is not reachable; calls go on, events wait in the stream, and the archive starts once it answers',
    );
  }
  const archive = new CallArchive(pool);
  const reader = settings.archiver ? connectRedis(options.redisSettings, log, 'archive-reader') : undefined;
  const archiver =
    reader &&
    new EventArchiver({
      group: new EventStreamGroup(options.redis, reader, options.prefix, ARCHIVER_GROUP, options.instance),
      writer: new ArchiveWriter(pool),
      log: log.child({ component: 'archiver' }),
      metrics: options.metrics,
      streamMaxLength: options.streamMaxLength,
      claimIdleMs: settings.claimIdleSec * 1000,
    });
  const sweeper = settings.retentionDays ? new RetentionSweeper(archive, settings.retentionDays, log) : undefined;
  const closing = new AbortController();
  const startParts = () => {
    archiver?.start();
    sweeper?.start();
  };
  const prepareLater = async () => {
    while (!closing.signal.aborted) {
      await sleep(PREPARE_RETRY_MS, undefined, { signal: closing.signal }).catch(() => undefined);
      if (closing.signal.aborted) return;
      try {
        await prepare(settings, log);
        log.info('the history database answers; archiving starts');
        return startParts();
      } catch (error) {
        if (!isUnavailable(error)) log.error({ err: error }, 'the history database could not be prepared');
      }
    }
  };
  let preparing: Promise<void> | undefined;
  return {
    archive,
    start() {
      if (prepared) startParts();
      else preparing = prepareLater();
    },
    async close() {
      closing.abort();
      await preparing;
      await archiver?.stop();
      await sweeper?.stop();
      reader?.disconnect();
      await archive.close();
    },
  };
}
