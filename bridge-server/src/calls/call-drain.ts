import type { Logger } from '../shared/logger';
import type { EndReason } from '../shared/wire-types';
import type { CallStore } from '../store/call-store';
import { isTerminal } from '../model/call-record';
import type { CallLifecycle } from './call-lifecycle';

/** The end of a drain, for the calls this instance still owns. */

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
