import { toResource, type CallRecord } from '../model/call-record';
import { BridgeError } from '../shared/errors';
import type { CallResource } from '../shared/wire-types';
import type { CallStore } from './call-store';

/** Reading calls as the API shows them, for the parts that never change one (the waiters). */
export interface CallReader {
  getRecord(id: string): Promise<CallRecord | undefined>;
  /** The call with its transcript; CALL_NOT_FOUND when there is none. */
  getCall(id: string): Promise<CallResource>;
}

export class StoredCallReader implements CallReader {
  constructor(private readonly store: CallStore) {}

  getRecord(id: string): Promise<CallRecord | undefined> {
    return this.store.getCall(id);
  }

  async getCall(id: string): Promise<CallResource> {
    const call = await this.store.getCall(id);
    if (!call) throw new BridgeError('CALL_NOT_FOUND', `No call has the id ${JSON.stringify(id)}.`);
    return toResource(call, await this.store.getTranscript(call.id));
  }
}
