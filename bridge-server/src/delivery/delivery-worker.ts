import { redactUrl } from '../shared/log-redaction';
import { RateLimitedLog } from '../shared/rate-limited-log';
import type { Logger } from '../shared/logger';
import type { BridgeMetrics } from '../shared/metrics';
import type { DeliveryJob, DeliveryStore } from '../store/delivery-store';
import { SIGNATURE_HEADER } from '../shared/wire-types';
import {
  classifyResponse,
  NOT_FOUND_RETRY_WINDOW_MS,
  RETRY_WINDOW_MS,
  retryDelayMs,
  type AttemptOutcome,
} from './retry-policy';
import type { TargetPolicy } from './target-policy';
import { WebhookSender } from './webhook-sender';
import { signatureHeader } from './webhook-signature';

export interface DeliveryWorkerOptions {
  store: DeliveryStore;
  log: Logger;
  metrics: BridgeMetrics;
  /** A claimed job comes back to the queue this long after its worker stops answering. */
  leaseMs?: number;
  /** Deliveries in flight on this instance, all targets together. */
  concurrency?: number;
  /** Deliveries in flight to one URL. */
  perTarget?: number;
  attemptTimeoutMs?: number;
  /** Longest sleep when the queue looks empty (other instances may have queued work). */
  idlePollMs?: number;
  /** Where deliveries may go (checked again on every connection). */
  targetPolicy: TargetPolicy;
  /** A subscription's URL answered 410 Gone. */
  onGone?: (job: DeliveryJob) => Promise<void>;
}

/** After the queue could not be read (the store is down), the next look is this much later. */
const QUEUE_RETRY_MS = 1000;

/**
 * Sends queued deliveries: signed POSTs, the same event id on every attempt, retried with backoff
 * for 24 h, then dead-lettered. Jobs are leased from the shared store, so several instances share
 * the work without sending an event twice, and a job whose instance died is picked up again once
 * its lease runs out.
 */
export class DeliveryWorker {
  private running = false;
  private inFlight = 0;
  private readonly perTargetInFlight = new Map<string, number>();
  private readonly waitingForTarget = new Map<string, DeliveryJob[]>();
  private wakeUp?: () => void;
  private loop?: Promise<void>;
  private readonly active = new Set<Promise<void>>();
  private readonly sender: WebhookSender;
  private readonly warnings: RateLimitedLog;

  constructor(private readonly options: DeliveryWorkerOptions) {
    this.warnings = new RateLimitedLog(() => options.log);
    this.sender = new WebhookSender(options.attemptTimeoutMs ?? 10_000, options.targetPolicy);
  }

  private get concurrency(): number {
    return this.options.concurrency ?? 64;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** New work is queued: look now rather than at the next poll. */
  wake(): void {
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let claimed: DeliveryJob[] = [];
      const free = this.concurrency - this.inFlight;
      if (free > 0) {
        try {
          claimed = await this.options.store.claimDueJobs(Date.now(), free, this.options.leaseMs ?? 30_000);
        } catch (error) {
          this.warnings.warn('queue', { err: error }, 'could not read the delivery queue; trying again');
          await new Promise((resolve) => setTimeout(resolve, QUEUE_RETRY_MS));
          continue;
        }
        for (const job of claimed) this.dispatch(job);
      }
      if (claimed.length === 0 || free <= 0) await this.sleep();
    }
  }

  private async sleep(): Promise<void> {
    const idle = this.options.idlePollMs ?? 250;
    let delay = idle;
    if (this.inFlight < this.concurrency) {
      const next = await this.options.store.nextDueAt().catch(() => undefined);
      if (next !== undefined) delay = Math.max(0, Math.min(idle, next - Date.now()));
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, delay);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
    this.wakeUp = undefined;
  }

  private dispatch(job: DeliveryJob): void {
    this.inFlight++;
    const url = job.target.url;
    if ((this.perTargetInFlight.get(url) ?? 0) >= (this.options.perTarget ?? 8)) {
      const queue = this.waitingForTarget.get(url) ?? [];
      queue.push(job);
      this.waitingForTarget.set(url, queue);
      return;
    }
    this.perTargetInFlight.set(url, (this.perTargetInFlight.get(url) ?? 0) + 1);
    const task = this.attempt(job)
      .catch((error: unknown) => this.options.log.error({ err: error, jobId: job.id }, 'delivery bookkeeping failed'))
      .finally(() => {
        this.active.delete(task);
        this.inFlight--;
        this.perTargetInFlight.set(url, (this.perTargetInFlight.get(url) ?? 1) - 1);
        const next = this.waitingForTarget.get(url)?.shift();
        if (next) {
          this.inFlight--;
          this.dispatch(next);
        }
        this.wake();
      });
    this.active.add(task);
  }

  private async attempt(job: DeliveryJob): Promise<void> {
    const outcome = await this.send(job);
    this.options.metrics.deliveries.inc({ outcome: outcome.kind });
    const { store, log } = this.options;
    const now = Date.now();
    const attempts = job.attempts + 1;
    switch (outcome.kind) {
      case 'delivered':
        return store.completeJob(job.id);
      case 'gone':
        log.info({ target: job.target.kind, id: job.target.id }, 'receiver answered 410 Gone');
        await this.options.onGone?.(job);
        return store.completeJob(job.id);
      case 'rejected':
        log.warn(
          { jobId: job.id, url: redactUrl(job.target.url), reason: outcome.reason },
          'delivery refused; dead-lettered',
        );
        return store.deadLetter({ ...job, attempts, lastError: outcome.reason }, `refused: ${outcome.reason}`);
      case 'not-found':
      case 'retry': {
        const window = outcome.kind === 'not-found' ? NOT_FOUND_RETRY_WINDOW_MS : RETRY_WINDOW_MS;
        const dueAt = now + retryDelayMs(attempts);
        if (dueAt - job.firstQueuedAt > window) {
          log.warn(
            { jobId: job.id, url: redactUrl(job.target.url), attempts, reason: outcome.reason },
            'delivery gave up; dead-lettered',
          );
          return store.deadLetter(
            { ...job, attempts, lastError: outcome.reason },
            `gave up after ${attempts} attempts: ${outcome.reason}`,
          );
        }
        return store.rescheduleJob({ ...job, attempts, lastError: outcome.reason }, dueAt);
      }
    }
  }

  private async send(job: DeliveryJob): Promise<AttemptOutcome> {
    // A fresh timestamp on every attempt keeps retries inside receivers' 5-minute window.
    const { status, error, refused } = await this.sender.post(job.target.url, job.body, {
      'user-agent': 'voice-bridge',
      'x-voice-bridge-event-id': job.eventId,
      [SIGNATURE_HEADER]: signatureHeader(job.target.secret, job.body),
    });
    return classifyResponse(status, error, refused);
  }

  /** Stops claiming work and waits for deliveries in flight. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    await Promise.all(this.active);
    this.sender.close();
  }
}
