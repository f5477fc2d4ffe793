import type { CallEventType, DeliveredEvent } from '../shared/wire-types';

export interface Subscription {
  id: string;
  url: string;
  events: CallEventType[];
  secret: string;
  createdAt: string;
}

export interface Waiter {
  id: string;
  callIds: string[];
  url: string;
  secret: string;
  timeoutSec: number;
  createdAt: string;
  /** Epoch ms at which it delivers `timedOut: true`. */
  deadline: number;
}

/** Where a delivery goes: a subscription or a waiter. */
export interface DeliveryTarget {
  kind: 'subscription' | 'waiter';
  id: string;
  url: string;
  secret: string;
}

/** One event on its way to one target; its id is `<eventId>:<targetId>`. */
export interface DeliveryJob {
  id: string;
  eventId: string;
  target: DeliveryTarget;
  /** The exact JSON body, signed and sent unchanged on every attempt. */
  body: string;
  attempts: number;
  /** Epoch ms of the first attempt, or of enqueueing; the 24 h retry window counts from it. */
  firstQueuedAt: number;
  lastError?: string;
}

export interface DeadLetter extends DeliveryJob {
  deadAt: string;
  reason: string;
}

/**
 * Durable delivery state: events with their outbox jobs (written together, before any attempt),
 * subscriptions, waiters and dead letters. Jobs are claimed with a lease: a job whose worker dies
 * becomes due again when the lease runs out, and another instance takes it.
 */
export interface DeliveryStore {
  /**
   * Appends to the events stream, publishes on the event's channel, and queues one job per
   * target, all at once. Idempotent by event id: an event recorded before (a retry after a lost
   * reply, or a second instance deciding the same thing) is not recorded again. Resolves to
   * whether this call recorded it.
   */
  recordEvent(event: DeliveredEvent, body: string, targets: DeliveryTarget[]): Promise<boolean>;
  /** Leases up to `limit` due jobs until `now + leaseMs`. */
  claimDueJobs(now: number, limit: number, leaseMs: number): Promise<DeliveryJob[]>;
  completeJob(jobId: string): Promise<void>;
  rescheduleJob(job: DeliveryJob, dueAt: number): Promise<void>;
  deadLetter(job: DeliveryJob, reason: string): Promise<void>;
  listDeadLetters(limit: number): Promise<DeadLetter[]>;
  /** Moves a dead letter back into the queue, due now, with a fresh retry window. */
  replayDeadLetter(id: string): Promise<boolean>;
  /** Epoch ms of the earliest due job, for the worker's sleep. */
  nextDueAt(): Promise<number | undefined>;

  putSubscription(subscription: Subscription): Promise<void>;
  getSubscription(id: string): Promise<Subscription | undefined>;
  deleteSubscription(id: string): Promise<boolean>;
  listSubscriptions(): Promise<Subscription[]>;

  putWaiter(waiter: Waiter): Promise<void>;
  getWaiter(id: string): Promise<Waiter | undefined>;
  waiterIdsForCall(callId: string): Promise<string[]>;
  /** Claims the right to deliver the waiter: true for exactly one caller, ever. */
  settleWaiter(id: string): Promise<boolean>;
  /** Waiters whose deadline has passed and that are not settled. */
  overdueWaiterIds(now: number): Promise<string[]>;

  /**
   * Removes what carries the call's data from the events stream and the dead letters (a request
   * to delete its data); resolves to how many entries went. Deliveries still queued go out.
   */
  forgetCall(callId: string): Promise<number>;
}

/** Whether an event's JSON body carries the call (as `call`, or among a waiter's `calls`). */
export function bodyCarriesCall(body: string, callId: string): boolean {
  return body.includes(`"id":${JSON.stringify(callId)}`);
}

/** How long an event id is remembered, so that recording it again is a no-op. */
export const EVENT_ID_MEMORY_SEC = 2 * 24 * 3600;

export function jobId(eventId: string, target: DeliveryTarget): string {
  return `${eventId}:${target.kind === 'waiter' ? 'w' : 's'}_${target.id}`;
}
