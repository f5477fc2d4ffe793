import type { LiveFeed } from '../delivery/live-feed';
import type { Logger } from '../shared/logger';
import type { BridgeMetrics } from '../shared/metrics';
import type { CallMode } from '../shared/wire-types';
import type { MediaSink } from '../twilio/telephony-output';
import type { CallLifecycle } from './call-lifecycle';
import type { CallTransfers } from './call-transfers';
import type { ConversationFactory, MediaStreamPort, StreamHandle, StreamStart } from './media-port';
import { MediaStreamSession } from './media-stream-session';

export interface CallFactoryOptions {
  lifecycle: CallLifecycle;
  /** What runs on a call of each mode this bridge is configured for. */
  conversations: Partial<Record<CallMode, ConversationFactory>>;
  live?: LiveFeed;
  metrics: BridgeMetrics;
  transfers?: CallTransfers;
}

/**
 * Builds a call's parts when its media stream starts: claims the stream for the stored call
 * (its token, one stream per call, not ended), then runs the conversation for its mode. Keeps
 * the streams running on this instance, so shutdown can finish them.
 */
export class CallFactory implements MediaStreamPort {
  private readonly running = new Set<MediaStreamSession>();

  constructor(private readonly options: CallFactoryOptions) {}

  async start(start: StreamStart, sink: MediaSink, log: Logger): Promise<StreamHandle | { refused: string }> {
    const { lifecycle, metrics } = this.options;
    const claim = await lifecycle.claimMediaStream(start.callId, start.streamToken).catch((error: unknown) => {
      log.warn({ err: error }, 'could not read the call at stream start');
      return { refused: 'store unavailable' as const };
    });
    if ('refused' in claim) return claim;
    const { call } = claim;
    const conversation = this.options.conversations[call.mode];
    if (!conversation) {
      await lifecycle.mediaFinished(call.id);
      return { refused: `mode ${call.mode} is not configured` };
    }
    const session = new MediaStreamSession({
      call,
      transfers: this.options.transfers,
      streamSid: start.streamSid,
      callSid: start.callSid,
      sink,
      lifecycle,
      conversation,
      log: log.child({ callId: call.id, streamSid: start.streamSid }),
      live: this.options.live,
      metrics,
      onFinished: () => {
        if (this.running.delete(session)) metrics.activeStreams.dec();
      },
    });
    this.running.add(session);
    metrics.activeStreams.inc();
    log.info({ callId: call.id, mode: call.mode }, 'media stream started');
    return session;
  }

  /** A person answered a call whose stream runs here (an AMD verdict after the stream started). */
  personAnswered(callId: string): void {
    for (const session of this.running) if (session.callId === callId) session.personAnswered();
  }

  /** Ends every stream on this instance (shutdown). */
  async finishAll(): Promise<void> {
    await Promise.all([...this.running].map((session) => session.finish()));
  }
}
