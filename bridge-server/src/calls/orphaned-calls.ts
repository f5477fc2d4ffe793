import { isTerminal, type CallRecord } from '../model/call-record';
import type { Logger } from '../shared/logger';
import type { CallStore } from '../store/call-store';
import { INSTANCE_BEAT_MS, type InstanceRegistry } from '../store/instance-registry';
import type { Carrier } from '../twilio/twilio-rest-client';
import type { CallLifecycle } from './call-lifecycle';
import type { OutboundDialer } from './outbound-dialer';

/** An ended call whose stream still runs is looked at this often. */
const WATCH_EVERY_MS = 1000;

export interface OrphanedCallsOptions {
  store: CallStore;
  instances: InstanceRegistry;
  carrier: Carrier;
  lifecycle: CallLifecycle;
  dialer: OutboundDialer;
  log: Logger;
  /** Longest wait for a live instance's stream to finish (its last transcript) after the call ended. */
  graceMs?: number;
}

/**
 * Calls whose instance may be gone. Every instance renews its mark and, each other beat, looks for
 * instances whose mark went stale; their calls are finished here, each exactly once (the store's
 * compare-and-set decides who): a stream that was carrying a call ends it with `error`, a call
 * still waiting for its dial slot is dialled here, and a call that ended without its `call.ended`
 * gets it. A call that ended while its stream runs elsewhere is watched until that stream
 * reports, its instance is found dead, or the grace runs out.
 */
export class OrphanedCalls {
  private beatTimer?: NodeJS.Timeout;
  private readonly watchTimers = new Set<NodeJS.Timeout>();
  private beats = 0;
  private sweeping = false;
  /**
   * Whether this instance is the only one (as of its last beat). Alone, every media stream comes
   * here, so an agent may greet at the answer on its pre-warmed session; with others, a stream
   * may land elsewhere, and the greeting waits for the stream (no greeting spoken to nobody).
   */
  alone: boolean;

  constructor(private readonly options: OrphanedCallsOptions) {
    this.alone = options.instances.solo;
  }

  get self(): string {
    return this.options.instances.self;
  }

  start(): void {
    // Alone only once every other instance has had time to beat since this one started.
    const sureAfter = performance.now() + INSTANCE_BEAT_MS * 1.5;
    const tick = () => {
      const { instances } = this.options;
      instances
        .beat()
        .then(() => instances.aliveCount())
        .then((count) => (this.alone = instances.solo || (count <= 1 && performance.now() > sureAfter)))
        .catch(() => undefined);
      if (++this.beats % 2 === 0 && !this.sweeping) {
        this.sweeping = true;
        this.sweep()
          .catch((error: unknown) => this.options.log.warn({ err: error }, 'could not look for orphaned calls'))
          .finally(() => (this.sweeping = false));
      }
    };
    tick();
    this.beatTimer = setInterval(tick, INSTANCE_BEAT_MS);
    this.beatTimer.unref();
  }

  /** Finishes the calls of every instance found dead; resolves to how many calls it took on. */
  async sweep(): Promise<number> {
    const dead = await this.options.instances.dead();
    if (dead.length === 0) return 0;
    const orphans = (await this.options.store.listActiveCalls()).filter((c) => dead.includes(c.instance ?? ''));
    // Each call is now this instance's or another finder's; a failed adoption throws before the
    // dead are forgotten, so the next look tries again.
    for (const call of orphans) await this.adopt(call);
    for (const instance of dead) await this.options.instances.forget(instance);
    return orphans.length;
  }

  private async adopt(call: CallRecord): Promise<void> {
    if (call.media === 'streaming') return this.streamLost(call.id);
    if (call.status === 'queued' && !call.twilioCallSid && !call.requestedEndReason) return this.redial(call);
    // Ringing or answered with no stream yet: Twilio's callbacks and the stream reach a live
    // instance. Ended without its `call.ended` (the instance died before telling): told here.
    if ((await this.takeOver(call.id)) && isTerminal(call.status)) await this.finish(call.id);
  }

  /** Moves the call to this instance; true for the one instance that did. */
  private async takeOver(id: string, change: (call: CallRecord) => Partial<CallRecord> = () => ({})): Promise<boolean> {
    const self = this.self;
    const updated = await this.options.store.updateCall(id, (call) =>
      call.instance === self || call.endedEventSent ? undefined : { ...call, ...change(call), instance: self },
    );
    return updated?.changed === true;
  }

  private async redial(call: CallRecord): Promise<void> {
    if (!(await this.takeOver(call.id))) return;
    this.options.log.info({ callId: call.id }, 'dialling a queued call of an instance that is gone');
    await this.options.dialer.dial({ ...call, instance: this.self }).catch(() => undefined);
  }

  /**
   * The instance carrying the media stream is gone: the call ends with `error` (unless the bridge
   * had asked to end it for a reason already), and `call.ended` goes out once.
   */
  async streamLost(id: string): Promise<void> {
    const reason = (call: CallRecord) => call.requestedEndReason ?? 'error';
    let endCall: string | undefined;
    const taken = await this.takeOver(id, (call) => {
      if (call.media !== 'streaming') return {};
      if (isTerminal(call.status)) return { endReason: reason(call) };
      endCall = call.direction === 'inbound' ? undefined : (call.twilioCallSid ?? undefined);
      return { requestedEndReason: reason(call) };
    });
    if (!taken) return;
    this.options.log.warn({ callId: id }, 'the instance carrying the media stream is gone: ending the call');
    // Hung up here; its completed status then ends it. An inbound call ends with its stream.
    if (endCall) await this.options.carrier.endCall(endCall).catch(() => undefined);
    await this.finish(id);
  }

  private async finish(id: string): Promise<void> {
    await this.options.lifecycle.mediaFinished(id);
  }

  /** A call ended while its stream runs (here or elsewhere): its `call.ended` must not wait forever. */
  watch(id: string): void {
    const deadline = performance.now() + (this.options.graceMs ?? 15_000);
    const look = async () => {
      const call = await this.options.store.getCall(id);
      if (!call || call.media !== 'streaming') return;
      if (call.instance && !(await this.options.instances.isAlive(call.instance))) return this.streamLost(id);
      if (performance.now() >= deadline) return this.finish(id);
      this.lookAgain(look);
    };
    this.lookAgain(look);
  }

  private lookAgain(look: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.watchTimers.delete(timer);
      look().catch((error: unknown) => this.options.log.error({ err: error }, 'could not finish a call'));
    }, WATCH_EVERY_MS);
    timer.unref();
    this.watchTimers.add(timer);
  }

  /** Stops beating and watching; `leave` marks this instance gone at once (after a clean drain). */
  async close(leave: boolean): Promise<void> {
    clearInterval(this.beatTimer);
    for (const timer of this.watchTimers) clearTimeout(timer);
    this.watchTimers.clear();
    if (leave) await this.options.instances.leave().catch(() => undefined);
  }
}

/** The call is over, or its media stream runs on another instance than `self`. */
export async function streamedElsewhere(store: CallStore, id: string, self: string): Promise<boolean> {
  const call = await store.getCall(id);
  return !call || isTerminal(call.status) || (call.media !== 'none' && call.instance !== self);
}
