import type { Reader } from './env-reader';

/** The call history archive in PostgreSQL (DATABASE_URL); absent: calls live in Redis for 30 days only. */
export interface HistorySettings {
  /** postgres:// or postgresql:// */
  readonly databaseUrl: string;
  /** HISTORY_RETENTION_DAYS: archived calls older than this are deleted; unset, kept for good. */
  readonly retentionDays?: number;
  /** HISTORY_MIGRATE: `startup` runs pending migrations as the bridge starts; `manual` leaves them to `voice-bridge migrate`. */
  readonly migrate: 'startup' | 'manual';
  /** HISTORY_ARCHIVER: whether this instance reads the events stream into PostgreSQL (any number may). */
  readonly archiver: boolean;
  /** HISTORY_CLAIM_IDLE_SEC: events read by an archiver that then died are taken over after this long. */
  readonly claimIdleSec: number;
}

/** The events stream keeps at most this many entries (EVENTS_STREAM_MAX_LENGTH): the archive's backlog bound. */
export const DEFAULT_EVENTS_STREAM_MAX_LENGTH = 100_000;

export function readHistory(r: Reader, shared: boolean): HistorySettings | undefined {
  const databaseUrl = r.url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const retention = r.text('HISTORY_RETENTION_DAYS');
  const retentionDays = retention ? r.number('HISTORY_RETENTION_DAYS', 0, 1, 36_500) : undefined;
  const migrate = r.choice('HISTORY_MIGRATE', ['startup', 'manual'], 'startup');
  const archiver = r.text('HISTORY_ARCHIVER') === undefined ? true : r.flag('HISTORY_ARCHIVER');
  const claimIdleSec = r.number('HISTORY_CLAIM_IDLE_SEC', 30, 2, 3600);
  if (!databaseUrl) {
    if (retention || ['HISTORY_MIGRATE', 'HISTORY_ARCHIVER', 'HISTORY_CLAIM_IDLE_SEC'].some((name) => r.text(name)))
      r.problems.push('HISTORY_* settings need DATABASE_URL (the PostgreSQL archive)');
    return undefined;
  }
  if (!shared) r.problems.push('DATABASE_URL needs REDIS_URL: the archive is fed from the events stream in Redis');
  return { databaseUrl, retentionDays, migrate, archiver, claimIdleSec };
}
