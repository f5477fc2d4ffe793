import { analysisSettled, isTerminal } from '../model/call-record';
import type { CallReader } from '../store/call-reader';
import { BridgeError } from '../shared/errors';
import { isId, newId } from '../shared/ids';
import type { Logger } from '../shared/logger';
import { RateLimitedLog } from '../shared/rate-limited-log';
import type { DeliveryStore, Waiter } from '../store/delivery-store';
import type { WaiterDoneEvent } from '../shared/wire-types';

import type { CallEndObserver } from './event-hub';
import {
  checkTargetResolves,
  deliveryRequestParser,
  WAITER_TIMEOUT_SEC,
  type DeliveryRequestParser,
} from './delivery-request';
import type { TargetPolicy } from './target-policy';
import { newWebhookSecret } from './webhook-signature';

/**
 * `POST /v1/waiters`: one delivery when every listed call has ended (its `call.ended` is out, so
 * its transcript is complete, and its `call.analyzed` too when it asked for analysis), or at the timeout with each call as it stands. Whichever of the
 * registering request, a call's end or the timeout sweep gets there first delivers; the store's
 * settle step makes sure only one does, on any instance.
 */
export class WaiterService implements CallEndObserver {
  private sweeper?: NodeJS.Timeout;
  private readonly parse: DeliveryRequestParser;
  private readonly warnings: RateLimitedLog;

  constructor(
    private readonly store: DeliveryStore,
    private readonly calls: CallReader,
    private readonly wakeWorker: () => void,
    private readonly log: Logger,
    private readonly policy: TargetPolicy,
  ) {
    this.parse = deliveryRequestParser(policy);
    this.warnings = new RateLimitedLog(() => log);
  }

  async register(
    body: unknown,
  ): Promise<{ id: string; secret: string; callIds: string[]; url: string; timeoutSec: number; createdAt: string }> {
    const request = this.parse.waiter(body);
    const callIds = [...new Set(request.callIds)];
    const missing: string[] = [];
    for (const id of callIds) if (!isId('call', id) || !(await this.calls.getRecord(id))) missing.push(id);
    if (missing.length > 0)
      throw new BridgeError(
        'CALL_NOT_FOUND',
        `No call has the id ${missing.map((id) => JSON.stringify(id)).join(', ')}.`,
        missing.map((id) => ({ field: 'callIds', problem: `unknown call ${id}` })),
      );
    await checkTargetResolves(this.policy, request.url, 'waiter');
    const timeoutSec = request.timeoutSec ?? WAITER_TIMEOUT_SEC.default;
    const waiter: Waiter = {
      id: newId('wtr'),
      callIds,
      url: request.url,
      secret: request.secret ?? newWebhookSecret(),
      timeoutSec,
      createdAt: new Date().toISOString(),
      deadline: Date.now() + timeoutSec * 1000,
    };
    await this.store.putWaiter(waiter);
    await this.deliverIfAllEnded(waiter);
    return { id: waiter.id, secret: waiter.secret, callIds, url: waiter.url, timeoutSec, createdAt: waiter.createdAt };
  }

  async get(id: string): Promise<Omit<Waiter, 'secret'>> {
    const waiter = await this.store.getWaiter(id);
    if (!waiter) throw new BridgeError('WAITER_NOT_FOUND');
    const { secret: _secret, ...visible } = waiter;
    return visible;
  }

  async callEnded(callId: string): Promise<void> {
    for (const id of await this.store.waiterIdsForCall(callId)) {
      const waiter = await this.store.getWaiter(id);
      if (waiter) await this.deliverIfAllEnded(waiter);
    }
  }

  private async deliverIfAllEnded(waiter: Waiter): Promise<void> {
    const records = await Promise.all(waiter.callIds.map((id) => this.calls.getRecord(id)));
    if (!records.every((call) => call && isTerminal(call.status) && call.endedEventSent && analysisSettled(call)))
      return;
    await this.deliver(waiter, false);
  }

  private async deliver(waiter: Waiter, timedOut: boolean): Promise<void> {
    if (!(await this.store.settleWaiter(waiter.id))) return;
    const calls = [];
    for (const id of waiter.callIds) calls.push(await this.calls.getCall(id));
    const event: WaiterDoneEvent = {
      id: newId('evt'),
      type: 'waiter.done',
      createdAt: new Date().toISOString(),
      waiterId: waiter.id,
      timedOut,
      calls,
    };
    this.log.info({ waiterId: waiter.id, timedOut, calls: waiter.callIds.length }, 'waiter done');
    const target = { kind: 'waiter' as const, id: waiter.id, url: waiter.url, secret: waiter.secret };
    await this.store.recordEvent(event, JSON.stringify(event), [target]);
    this.wakeWorker();
  }

  /** Delivers `timedOut: true` for waiters past their deadline; runs on every instance. */
  async sweep(now = Date.now()): Promise<void> {
    for (const id of await this.store.overdueWaiterIds(now)) {
      const waiter = await this.store.getWaiter(id);
      if (waiter) await this.deliver(waiter, true);
      else await this.store.settleWaiter(id);
    }
  }

  start(intervalMs = 1000): void {
    this.sweeper = setInterval(() => {
      this.sweep().catch((error: unknown) =>
        this.warnings.warn('sweep', { err: error }, 'waiter timeout sweep failed'),
      );
    }, intervalMs);
    this.sweeper.unref();
  }

  stop(): void {
    clearInterval(this.sweeper);
  }
}
