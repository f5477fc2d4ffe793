import { randomBytes } from 'node:crypto';
import { callEvent, type EventPublisher } from '../delivery/event-publisher';
import { isId } from '../shared/ids';
import type { Logger } from '../shared/logger';
import type { CallStore, NewTranscriptEntry } from '../store/call-store';
import type { Carrier } from '../twilio/twilio-rest-client';
import type { AnsweredBy, CallResource, EndReason } from '../shared/wire-types';
import { CallJournal, type JournalMetrics } from './call-journal';
import { awaitingRecording, isTerminal, toResource, type CallRecord } from '../model/call-record';
import { applyAnsweredBy, applyStatus, partyEndReason, requestEnd, type StatusObservation } from './call-state';
import { claimStream, type StreamClaim, type StreamRefusal } from './stream-claim';
import { OwnedCalls } from './owned-calls';

export interface CallLifecycleOptions {
  store: CallStore;
  carrier: Carrier;
  events: EventPublisher;
  log: Logger;
  /** This instance: answerable for the calls whose media it streams. */
  instance: string;
  journalMetrics?: JournalMetrics;
  /** A call ended while its media still streams: see that the stream finishes (OrphanedCalls). */
  watchStream: (id: string) => void;
  /**
   * A person is on the line: at answer when detection is off, else at a human (or unknown) AMD
   * verdict. The agent greets then, and not before, so calls nobody answers cost no output.
   */
  onPersonAnswered?: (call: CallRecord) => void;
  /** `call.ended` is out (the post-call analysis starts then). */
  onEnded?: (call: CallRecord) => void;
}

/** What became of a status Twilio reported: applied, about no call we know, or held for a store outage. */
export type ObservationOutcome = 'applied' | 'unknown-call' | 'held';

/**
 * What happens to a call after it is placed: Twilio's status and machine-detection reports, the
 * media stream's claim and end, transcript entries, and ending the call. Every write goes
 * through the call's journal (in order, held through a store outage) and every event has an id
 * derived from what happened, so retries and a second instance never emit anything twice.
 * `call.ended` goes out once the call is over and its media has finished.
 */
export class CallLifecycle {
  private readonly journal: CallJournal;
  /** Calls placed or streamed here and not yet reported ended. */
  readonly owned = new OwnedCalls();

  constructor(private readonly options: CallLifecycleOptions) {
    this.journal = new CallJournal(options.log, options.journalMetrics);
  }

  get instance(): string {
    return this.options.instance;
  }

  async resource(call: CallRecord): Promise<CallResource> {
    return toResource(call, await this.options.store.getTranscript(call.id));
  }

  /** A status seen by Twilio (status callback) or by the bridge itself. */
  async observe(id: string, observation: StatusObservation): Promise<ObservationOutcome> {
    const outcome = await this.journal.submit(id, `status ${observation.status}`, (retry) =>
      this.applyObservation(id, observation, retry),
    );
    if (!('value' in outcome)) return 'held';
    return outcome.value ? 'applied' : 'unknown-call';
  }

  private async applyObservation(
    id: string,
    observation: StatusObservation,
    retry: boolean,
  ): Promise<CallRecord | undefined> {
    const updated = await this.options.store.updateCall(id, (call) => applyStatus(call, observation));
    if (!updated) return undefined;
    const { call } = updated;
    // A late or repeated status changes nothing and says nothing. A retry after an outage cut the
    // first attempt short may find the status applied: it publishes again under the same event
    // id, which the store records at most once, so the event is neither lost nor doubled.
    if (call.status !== observation.status || call.status === 'queued' || !(updated.changed || retry)) return call;
    if (updated.changed)
      this.options.log.info({ callId: id, status: call.status, endReason: call.endReason }, 'call status');
    if (updated.changed && call.status === 'in-progress' && call.machineDetection === 'off')
      this.options.onPersonAnswered?.(call);
    // Ended while its stream runs on another instance: that instance says how it ended (or, if
    // it died, the stream's loss does), once its media has finished.
    const streamingElsewhere = call.media === 'streaming' && call.instance && call.instance !== this.instance;
    if (!isTerminal(call.status) || !streamingElsewhere) await this.publishStatus(call);
    if (isTerminal(call.status)) {
      await this.emitEndedIfDone(id);
      if (call.media === 'streaming') this.options.watchStream(id);
    }
    return call;
  }

  private async publishStatus(call: CallRecord): Promise<void> {
    await this.options.events.publish(callEvent('call.status', await this.resource(call), `status:${call.status}`));
  }

  /**
   * How the dial to the party ended (transcribe mode's `<Dial>` action). A party who did not
   * answer, was busy or could not be dialled becomes the call's end reason; the call then ends.
   */
  async dialEnded(id: string, dialStatus: string): Promise<void> {
    const reason = partyEndReason(dialStatus);
    if (!reason) return;
    this.options.log.info({ callId: id, dialStatus }, 'the party was not reached');
    await this.journal.submit(id, 'dial outcome', () =>
      this.options.store.updateCall(id, (call) => requestEnd(call, reason)),
    );
  }

  /** Speech-to-Text refused a track for good: the call goes on, and says why (the first reason). */
  async transcriptionFailed(id: string, reason: string): Promise<void> {
    await this.journal.submit(id, 'transcription error', () =>
      this.options.store.updateCall(id, (call) =>
        call.transcriptionError ? undefined : { ...call, transcriptionError: reason },
      ),
    );
  }

  async onAnsweredBy(id: string, answeredBy: AnsweredBy): Promise<void> {
    const outcome = await this.journal.submit(id, 'answered by', () =>
      this.options.store.updateCall(id, (call) => applyAnsweredBy(call, answeredBy)),
    );
    if (!('value' in outcome) || !outcome.value) return;
    this.options.log.info({ callId: id, answeredBy }, 'answering machine detection');
    if (outcome.value.changed && (answeredBy === 'human' || answeredBy === 'unknown'))
      this.options.onPersonAnswered?.(outcome.value.call);
    if (answeredBy !== 'human' && answeredBy !== 'unknown' && outcome.value.call.machineDetection === 'hangup')
      await this.endCall(id, 'machine');
  }

  /**
   * A media stream's `start` asks to carry a call: the first stream with the call's token, while
   * the call is live, gets it; any other (a forged start, a second socket) is refused and the
   * stream already carrying the call is untouched.
   */
  async claimMediaStream(id: string | undefined, streamToken: string | undefined): Promise<StreamClaim> {
    if (!isId('call', id)) return { refused: 'unknown call' };
    let refused: StreamRefusal = 'unknown call';
    const updated = await this.options.store.updateCall(id, (call) => {
      const claimed = claimStream(call, streamToken);
      if ('refused' in claimed) refused = claimed.refused;
      return 'refused' in claimed ? undefined : { ...claimed.call, instance: this.instance };
    });
    if (!updated) return { refused: 'unknown call' };
    if (!updated.changed) return { refused };
    this.owned.add(id);
    return { call: updated.call };
  }

  /**
   * The media stream is over and its last transcript entries are written (or held). A stream
   * that names its token counts only while it is the call's stream: one replaced after a
   * transfer nobody took must not end the stream that carries the call now. An inbound call
   * ends with its stream.
   */
  async mediaFinished(id: string, streamToken?: string): Promise<void> {
    await this.journal.submit(id, 'media finished', async () => {
      const updated = await this.options.store.updateCall(id, (call) =>
        call.media === 'finished' || (streamToken !== undefined && call.streamToken !== streamToken)
          ? undefined
          : { ...call, media: 'finished' },
      );
      // An inbound call's TwiML ends with its stream (unless a transfer is dialling), and its
      // number may send no status callbacks.
      const inbound = updated?.changed && updated.call.direction === 'inbound' ? updated.call : undefined;
      if (inbound && !isTerminal(inbound.status) && inbound.transfer?.outcome !== 'connecting')
        await this.applyObservation(id, { status: 'completed', at: new Date().toISOString() }, false);
      // An end another instance saw while the stream ran here is told now (its event id is derived).
      else if (updated?.changed && isTerminal(updated.call.status)) await this.publishStatus(updated.call);
      await this.emitEndedIfDone(id);
    });
  }

  /** Stores final transcript entries, in order, each with its `call.transcript` event. */
  async addTranscript(id: string, entries: NewTranscriptEntry[]): Promise<void> {
    for (const entry of entries) {
      const entryId = randomBytes(8).toString('hex');
      await this.journal.submit(id, 'transcript entry', async () => {
        const stored = await this.options.store.appendTranscriptEntry(id, entryId, entry);
        const call = await this.options.store.getCall(id);
        if (!call) return;
        await this.options.events.publish(
          callEvent('call.transcript', toResource(call, [stored]), `entry:${entryId}`, stored),
        );
        if (stored.tool)
          await this.options.events.publish(
            callEvent('call.tool', toResource(call, [stored]), `tool:${entryId}`, undefined, stored.tool),
          );
      });
    }
  }

  /**
   * Asks Twilio to end the call and remembers why (the first reason given wins). `knownSid` (the
   * media stream knows it) lets a call be hung up while the store is unreachable.
   */
  async endCall(id: string, reason: EndReason, knownSid?: string): Promise<void> {
    const outcome = await this.journal.submit(id, 'end request', () =>
      this.options.store.updateCall(id, (call) => requestEnd(call, reason)),
    );
    let sid = knownSid;
    if ('value' in outcome) {
      const updated = outcome.value;
      if (!updated || isTerminal(updated.call.status)) return;
      sid = updated.call.twilioCallSid ?? knownSid;
      if (!sid) {
        // Not yet accepted by Twilio: nothing to hang up; the call is over before it began.
        await this.observe(id, { status: 'canceled', at: new Date().toISOString() });
        return;
      }
    }
    if (!sid) return;
    this.options.log.info({ callId: id, reason }, 'ending call');
    await this.options.carrier.endCall(sid);
  }

  /**
   * `call.ended` goes out once the call has ended, its media (if any) has finished, and a
   * recording it waits for has come (or its wait is over: then it is tried again at the deadline).
   */
  async emitEndedIfDone(id: string): Promise<void> {
    let waitsUntil: number | undefined;
    const marked = await this.options.store.updateCall(id, (call) => {
      if (!isTerminal(call.status) || call.media === 'streaming' || call.endedEventSent) return undefined;
      if (!awaitingRecording(call, Date.now())) return { ...call, endedEventSent: true };
      waitsUntil = call.recordingDueBy;
      return undefined;
    });
    if (waitsUntil !== undefined)
      setTimeout(() => void this.emitEndedIfDone(id).catch(() => undefined), waitsUntil - Date.now() + 10).unref();
    if (!marked?.call.endedEventSent) return;
    // Marked before it is published, so a waiter woken by the event sees the call as ended; a
    // write cut short is completed by the journal's retry under the same event id.
    await this.options.events.publish(callEvent('call.ended', await this.resource(marked.call), 'ended'));
    this.owned.release(id);
    this.options.onEnded?.(marked.call);
  }
}
