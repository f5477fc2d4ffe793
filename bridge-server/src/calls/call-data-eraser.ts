import { isTerminal } from '../model/call-record';
import { BridgeError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { CallArchive } from '../history/call-archive';
import type { CallStore } from '../store/call-store';
import type { DeliveryStore } from '../store/delivery-store';
import type { RecordingMedia } from '../twilio/recording-media';

/** What `DELETE /v1/calls/:id/data` removed, place by place. */
export interface ErasedCallData {
  id: string;
  /** The call record and transcript in the store (Redis, or memory). */
  store: boolean;
  /** The call's rows in the PostgreSQL archive (null: no archive configured). */
  archive: boolean | null;
  /** Entries of the events stream and dead letters that carried the call. */
  events: number;
  /** The recording at Twilio (null: the call had none). */
  recording: boolean | null;
}

/**
 * Deletes everything the bridge keeps of one ended call, on request (privacy law): the stored
 * record and transcript, the recording at Twilio, the archive's rows (marked deleted, so nothing
 * re-archives it), and the events stream's and dead letters' copies. A call still going on must be hung up first.
 */
export class CallDataEraser {
  constructor(
    private readonly store: CallStore,
    private readonly deliveryStore: DeliveryStore,
    private readonly archive: CallArchive | undefined,
    private readonly recordings: RecordingMedia,
    private readonly log: Logger,
  ) {}

  async erase(id: string): Promise<ErasedCallData> {
    const call = await this.store.getCall(id);
    if (call && !isTerminal(call.status))
      throw new BridgeError('CALL_STILL_ACTIVE', `Call ${id} is still going on; hang it up before deleting its data.`);
    // The recording goes first: once the record is gone, nothing would say where it was.
    const sid = (call?.recording ?? (await this.archive?.getCall(id))?.recording)?.sid;
    const recording = sid ? await this.recordings.delete(sid) : null;
    const archive = this.archive ? await this.archive.forget(id) : null;
    const events = await this.deliveryStore.forgetCall(id);
    const store = await this.store.deleteCall(id);
    if (!store && !archive && events === 0)
      throw new BridgeError('CALL_NOT_FOUND', `No call has the id ${JSON.stringify(id)}.`);
    this.log.info({ callId: id, store, archive, events, recording }, "call's data deleted on request");
    return { id, store, archive, events, recording };
  }
}
