import type { Logger } from '../shared/logger';
import type { EndReason } from '../shared/wire-types';
import type { CallStore } from '../store/call-store';
import { isTerminal } from '../model/call-record';
import type { CallLifecycle } from './call-lifecycle';

/** The end of a drain, for the calls this instance still owns. */

/** After hanging up at the end of a drain, how long Twilio has to confirm before calls are ended here. */
const HANGUP_CONFIRM_MS = 3000;

/** Whether `promise` settles within `ms` milliseconds. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The grace is over: ask Twilio to end every owned call that is still going. */
export async function hangUpOwnedCalls(lifecycle: CallLifecycle, reason: EndReason, log: Logger): Promise<void> {
  await Promise.all(
    lifecycle.owned
      .list()
      .map((id) =>
        lifecycle
          .endCall(id, reason)
          .catch((error: unknown) =>
            log.error({ err: error, callId: id }, 'could not hang up a call while shutting down'),
          ),
      ),
  );
}

/**
 * The last step: calls Twilio has not confirmed as ended are ended here, so each gets its
 * `call.ended` (in the outbox, delivered by whichever instance runs next).
 */
export async function forceEndOwnedCalls(lifecycle: CallLifecycle, store: CallStore, log: Logger): Promise<void> {
  for (const id of lifecycle.owned.list()) {
    try {
      const call = await store.getCall(id);
      if (call && !isTerminal(call.status))
        await lifecycle.observe(id, {
          status: call.answeredAt ? 'completed' : 'canceled',
          at: new Date().toISOString(),
        });
      if (call) await lifecycle.mediaFinished(id);
    } catch (error) {
      log.error({ err: error, callId: id }, 'could not record the end of a call while shutting down');
    }
    lifecycle.owned.release(id);
  }
}

/** A named shutdown step, timed for the debug log. */
export type ShutdownStep = (name: string, run: () => unknown) => Promise<void>;

/**
 * Lets the calls already here go on (Twilio's callbacks and media are still taken) until they
 * end or `graceMs` is over; then hangs them up, and ends them here if Twilio is silent.
 */
export async function drainOwnedCalls(
  parts: { lifecycle: CallLifecycle; streams: { finishAll(): Promise<void> }; store: CallStore; log: Logger },
  graceMs: number,
  step: ShutdownStep,
): Promise<void> {
  const { lifecycle, streams, store, log } = parts;
  if (await settlesWithin(lifecycle.owned.drained(), graceMs)) return;
  log.warn({ calls: lifecycle.owned.size }, 'shutdown grace period is over; hanging up the calls still going');
  await step('hang up', () => hangUpOwnedCalls(lifecycle, 'error', log));
  await step('confirm', () => settlesWithin(lifecycle.owned.drained(), HANGUP_CONFIRM_MS));
  await step('finish streams', () => streams.finishAll());
  await step('force end', () => forceEndOwnedCalls(lifecycle, store, log));
}
