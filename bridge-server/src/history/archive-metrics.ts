import { Counter, Gauge, type Registry } from 'prom-client';

/** The archiver's metrics, on the bridge's registry (so /metrics shows them with the rest). */
export class ArchiveMetrics {
  readonly archivedEvents: Counter;
  readonly archiveBacklog: Gauge;
  readonly archiveBacklogRatio: Gauge;
  readonly archiveWritable: Gauge;

  constructor(registry: Registry) {
    this.archivedEvents = new Counter({
      name: 'voicebridge_archive_events_total',
      help: "Events read from the events stream by this instance's archiver, by outcome (archived, duplicate, skipped, rejected)",
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.archiveBacklog = new Gauge({
      name: 'voicebridge_archive_backlog_events',
      help: 'Events in the stream not yet archived in PostgreSQL (read by no archiver, or read and not yet written)',
      registers: [registry],
    });
    this.archiveBacklogRatio = new Gauge({
      name: 'voicebridge_archive_backlog_ratio',
      help: 'The archive backlog as a share of EVENTS_STREAM_MAX_LENGTH: at 1, events are trimmed before they are archived',
      registers: [registry],
    });
    this.archiveWritable = new Gauge({
      name: 'voicebridge_archive_database_up',
      help: "1 while the archiver's last write to PostgreSQL succeeded, 0 while PostgreSQL refuses or is unreachable",
      registers: [registry],
    });
  }
}
