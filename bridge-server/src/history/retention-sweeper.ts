import type { Logger } from '../shared/logger';
import type { CallArchive } from './call-archive';

const DAY_MS = 86_400_000;
const SWEEP_EVERY_MS = 3600_000;

/**
 * HISTORY_RETENTION_DAYS: once at start-up and every hour after, archived calls created more
 * than that many days ago are deleted (any number of instances may sweep; a deletion is a deletion).
 */
export class RetentionSweeper {
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<number>;

  constructor(
    private readonly archive: CallArchive,
    private readonly retentionDays: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS).unref();
  }

  /** Deletes what is past retention now; resolves to how many calls went (0 if a sweep failed, which is logged). */
  sweep(now = Date.now()): Promise<number> {
    this.sweeping ??= this.archive
      .pruneBefore(new Date(now - this.retentionDays * DAY_MS))
      .then(
        (deleted) => {
          if (deleted > 0)
            this.log.info({ deleted, retentionDays: this.retentionDays }, 'archived calls past retention deleted');
          return deleted;
        },
        (error: unknown) => {
          this.log.warn({ err: error }, 'deleting archived calls past retention failed; the next sweep tries again');
          return 0;
        },
      )
      .finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }
}
