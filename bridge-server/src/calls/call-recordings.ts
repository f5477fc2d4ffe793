import { BridgeError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { CallRecording } from '../shared/wire-types';
import type { CallStore } from '../store/call-store';
import { isRecordingSid, type RecordingMedia } from '../twilio/recording-media';
import type { CallLifecycle } from './call-lifecycle';
import type { CallArchive } from '../history/call-archive';

/** Twilio's recording-status callback, as its form says. */
export interface RecordingStatusForm {
  RecordingSid?: string;
  RecordingStatus?: string;
  RecordingDuration?: string;
  RecordingChannels?: string;
}

/** The recording's part of the call resource, from the callback; undefined for a status that is not final. */
export function recordingOf(form: RecordingStatusForm): CallRecording | undefined {
  const status = form.RecordingStatus;
  if ((status !== 'completed' && status !== 'absent') || !isRecordingSid(form.RecordingSid)) return undefined;
  return {
    sid: form.RecordingSid,
    durationSec: Math.max(0, Number(form.RecordingDuration) || 0),
    channels: Number(form.RecordingChannels) === 1 ? 1 : 2,
    status,
  };
}

/**
 * Recorded calls: Twilio's signed recording-status callback puts the recording on the call (and
 * lets `call.ended`, which waits for it, go out), and `GET /v1/calls/:id/recording` streams the
 * audio from Twilio, byte ranges and all, to whoever holds the API key.
 */
export class CallRecordings {
  constructor(
    private readonly store: CallStore,
    private readonly lifecycle: CallLifecycle,
    private readonly media: RecordingMedia,
    private readonly log: Logger,
    /** The archive has calls the store has let go (after 30 days), recordings included. */
    private readonly archive?: CallArchive,
  ) {}

  async arrived(callId: string, form: RecordingStatusForm): Promise<void> {
    const recording = recordingOf(form);
    if (!recording) throw new BridgeError('VALIDATION_FAILED', 'The callback names no finished recording.');
    const updated = await this.store.updateCall(callId, (call) =>
      call.recording ? undefined : { ...call, recording },
    );
    if (!updated) throw new BridgeError('CALL_NOT_FOUND');
    if (updated.changed)
      this.log.info(
        { callId, recordingSid: recording.sid, durationSec: recording.durationSec, status: recording.status },
        'call recording ready',
      );
    await this.lifecycle.emitEndedIfDone(callId);
  }

  async audio(callId: string, range?: string): Promise<Response> {
    const call = (await this.store.getCall(callId)) ?? (await this.archive?.getCall(callId));
    if (!call) throw new BridgeError('CALL_NOT_FOUND', `No call has the id ${JSON.stringify(callId)}.`);
    if (call.recording?.status !== 'completed')
      throw new BridgeError(
        'RECORDING_NOT_FOUND',
        'The call has no recording: it was not placed with record: true, nobody answered, or Twilio has not posted it yet.',
      );
    return this.media.fetch(call.recording.sid, range);
  }
}
