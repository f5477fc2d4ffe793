import type { DeliveredEvent } from '../shared/wire-types';
import {
  bodyCarriesCall,
  jobId,
  type DeadLetter,
  type DeliveryJob,
  type DeliveryStore,
  type DeliveryTarget,
  type Subscription,
  type Waiter,
} from './delivery-store';

/**
 * The delivery store's semantics in one process, for sandbox mode without Redis: the same queue,
 * leases, retries and dead letters, but nothing survives a restart (the bridge logs so).
 */
export class MemoryDeliveryStore implements DeliveryStore {
  private readonly jobs = new Map<string, { job: DeliveryJob; dueAt: number }>();
  private readonly dead = new Map<string, DeadLetter>();
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly waiters = new Map<string, Waiter>();
  private readonly waitersByCall = new Map<string, Set<string>>();
  private readonly unsettled = new Set<string>();
  /** Recent events, newest last, standing in for the Redis events stream. */
  readonly events: DeliveredEvent[] = [];
  private static readonly EVENTS_KEPT = 1000;
  /** Event ids already recorded (oldest dropped first), so recording one again is a no-op. */
  private readonly recorded = new Set<string>();
  private static readonly IDS_KEPT = 100_000;

  /** Stands in for Redis pub/sub: called with every recorded event. */
  constructor(private readonly onEvent: (event: DeliveredEvent) => void = () => undefined) {}

  async recordEvent(event: DeliveredEvent, body: string, targets: DeliveryTarget[]): Promise<boolean> {
    if (this.recorded.has(event.id)) return false;
    this.recorded.add(event.id);
    if (this.recorded.size > MemoryDeliveryStore.IDS_KEPT) this.recorded.delete(this.recorded.values().next().value!);
    this.events.push(event);
    if (this.events.length > MemoryDeliveryStore.EVENTS_KEPT) this.events.shift();
    this.onEvent(event);
    const now = Date.now();
    for (const target of targets) {
      const job: DeliveryJob = {
        id: jobId(event.id, target),
        eventId: event.id,
        target,
        body,
        attempts: 0,
        firstQueuedAt: now,
      };
      this.jobs.set(job.id, { job, dueAt: now });
    }
    return true;
  }

  async claimDueJobs(now: number, limit: number, leaseMs: number): Promise<DeliveryJob[]> {
    const due = [...this.jobs.values()]
      .filter((entry) => entry.dueAt <= now)
      .sort((a, b) => a.dueAt - b.dueAt)
      .slice(0, limit);
    for (const entry of due) entry.dueAt = now + leaseMs;
    return due.map((entry) => structuredClone(entry.job));
  }

  async completeJob(id: string): Promise<void> {
    this.jobs.delete(id);
  }

  async rescheduleJob(job: DeliveryJob, dueAt: number): Promise<void> {
    this.jobs.set(job.id, { job: structuredClone(job), dueAt });
  }

  async deadLetter(job: DeliveryJob, reason: string): Promise<void> {
    this.jobs.delete(job.id);
    this.dead.set(job.id, { ...structuredClone(job), deadAt: new Date().toISOString(), reason });
  }

  async listDeadLetters(limit: number): Promise<DeadLetter[]> {
    return [...this.dead.values()].reverse().slice(0, limit);
  }

  async replayDeadLetter(id: string): Promise<boolean> {
    const dead = this.dead.get(id);
    if (!dead) return false;
    this.dead.delete(id);
    const { deadAt: _deadAt, reason: _reason, ...job } = dead;
    this.jobs.set(id, { job: { ...job, attempts: 0, firstQueuedAt: Date.now() }, dueAt: Date.now() });
    return true;
  }

  async nextDueAt(): Promise<number | undefined> {
    let earliest: number | undefined;
    for (const { dueAt } of this.jobs.values()) if (earliest === undefined || dueAt < earliest) earliest = dueAt;
    return earliest;
  }

  async putSubscription(subscription: Subscription): Promise<void> {
    this.subscriptions.set(subscription.id, structuredClone(subscription));
  }

  async getSubscription(id: string): Promise<Subscription | undefined> {
    return this.subscriptions.get(id);
  }

  async deleteSubscription(id: string): Promise<boolean> {
    return this.subscriptions.delete(id);
  }

  async listSubscriptions(): Promise<Subscription[]> {
    return [...this.subscriptions.values()];
  }

  async putWaiter(waiter: Waiter): Promise<void> {
    this.waiters.set(waiter.id, structuredClone(waiter));
    this.unsettled.add(waiter.id);
    for (const callId of waiter.callIds) {
      const ids = this.waitersByCall.get(callId) ?? new Set<string>();
      ids.add(waiter.id);
      this.waitersByCall.set(callId, ids);
    }
  }

  async getWaiter(id: string): Promise<Waiter | undefined> {
    return this.waiters.get(id);
  }

  async waiterIdsForCall(callId: string): Promise<string[]> {
    return [...(this.waitersByCall.get(callId) ?? [])];
  }

  async settleWaiter(id: string): Promise<boolean> {
    return this.unsettled.delete(id);
  }

  async overdueWaiterIds(now: number): Promise<string[]> {
    return [...this.unsettled].filter((id) => (this.waiters.get(id)?.deadline ?? Infinity) <= now);
  }

  async forgetCall(callId: string): Promise<number> {
    const before = this.events.length;
    const kept = this.events.filter((event) => !bodyCarriesCall(JSON.stringify(event), callId));
    this.events.splice(0, this.events.length, ...kept);
    let removed = before - kept.length;
    for (const [id, letter] of this.dead)
      if (bodyCarriesCall(letter.body, callId)) {
        this.dead.delete(id);
        removed++;
      }
    return removed;
  }
}
