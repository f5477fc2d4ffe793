import { join } from 'node:path';
import { runner } from 'node-pg-migrate';
import type { Logger } from '../shared/logger';

/** The schema's migrations (SQL files, applied in name order), shipped with the bridge. */
export const MIGRATIONS_DIR = join(__dirname, '..', '..', 'migrations');
/** Where node-pg-migrate records which migrations have run. */
export const MIGRATIONS_TABLE = 'vb_migrations';

function migrationLog(log: Logger) {
  return {
    debug: (message: string) => log.debug(message),
    info: (message: string) => log.debug(message),
    warn: (message: string) => log.warn(message),
    error: (message: string) => log.error(message),
  };
}

/**
 * Brings the archive's schema up to date with node-pg-migrate (an advisory lock keeps several
 * instances starting at once from running a migration twice). Resolves to the names it ran;
 * `dryRun` only lists what is pending.
 */
export async function migrateHistory(databaseUrl: string, log: Logger, dryRun = false): Promise<string[]> {
  const ran = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    migrationsTable: MIGRATIONS_TABLE,
    direction: 'up',
    checkOrder: true,
    dryRun,
    logger: migrationLog(log),
  });
  return ran.map((migration) => migration.name);
}
