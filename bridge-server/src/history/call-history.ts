import type { HistorySettings } from '../config/history-settings';
import type { Logger } from '../shared/logger';
import type { ArchiveMetrics } from './archive-metrics';
import { StartupError } from '../shared/startup-error';
import { connectRedis, type RedisClient } from '../store/redis-connection';
import type { RedisSettings } from '../config/redis-settings';
import { ArchiveWriter } from './archive-writer';
import { CallArchive, openPool } from './call-archive';
import { EventArchiver } from './event-archiver';
import { EventStreamGroup } from './event-stream-group';
import { migrateHistory } from './migrations';
import { RetentionSweeper } from './retention-sweeper';

/** The consumer group every instance's archiver joins. */
export const ARCHIVER_GROUP = 'voice-bridge-archive';

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

/**
 * The PostgreSQL archive as one instance runs it: the schema brought up to date (or checked, with
 * HISTORY_MIGRATE=manual), the archiver in the consumer group, and the retention sweep.
 */
export async function openCallHistory(options: CallHistoryOptions): Promise<CallHistory> {
  const { settings, log } = options;
  const pool = openPool(settings.databaseUrl, log);
  try {
    const ran = await migrateHistory(settings.databaseUrl, log, settings.migrate === 'manual');
    if (settings.migrate === 'manual' && ran.length > 0)
      throw new StartupError(
        `the history database needs migrations (${ran.join(', ')}); run "voice-bridge migrate", or unset HISTORY_MIGRATE to run them at start-up`,
      );
    if (ran.length > 0) log.info({ migrations: ran }, 'history database migrated');
  } catch (error) {
    await pool.end().catch(() => undefined);
    if (error instanceof StartupError) throw error;
    throw new StartupError(
      `the history database (DATABASE_URL) could not be prepared: ${error instanceof Error ? error.message : String(error)}`,
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
  return {
    archive,
    start() {
      archiver?.start();
      sweeper?.start();
    },
    async close() {
      await archiver?.stop();
      await sweeper?.stop();
      reader?.disconnect();
      await archive.close();
    },
  };
}
