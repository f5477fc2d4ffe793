import { Reader } from './config/env-reader';
import { migrateHistory } from './history/migrations';
import { redactUrl } from './shared/log-redaction';
import { createLogger } from './shared/logger';

/**
 * `voice-bridge migrate`: brings the history database (DATABASE_URL) up to date and says what it
 * ran. For deployments that set HISTORY_MIGRATE=manual and migrate as a release step.
 */
export async function migrateMain(): Promise<void> {
  const reader = new Reader(process.env);
  const databaseUrl = reader.url('DATABASE_URL', ['postgres:', 'postgresql:']);
  if (!databaseUrl) {
    process.stderr.write(`voice-bridge migrate: ${reader.problems[0] ?? 'DATABASE_URL is not set'}\n`);
    process.exitCode = 1;
    return;
  }
  const log = createLogger({ level: reader.text('LOG_LEVEL') ?? 'warn', format: 'json' });
  try {
    const ran = await migrateHistory(databaseUrl, log);
    process.stdout.write(
      ran.length > 0
        ? `voice-bridge migrate: ran ${ran.join(', ')} on ${redactUrl(databaseUrl)}\n`
        : `voice-bridge migrate: ${redactUrl(databaseUrl)} is up to date\n`,
    );
  } catch (error) {
    process.stderr.write(
      `voice-bridge migrate: ${redactUrl(databaseUrl)}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  }
}
