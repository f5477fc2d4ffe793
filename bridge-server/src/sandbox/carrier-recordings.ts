import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../shared/logger';
import type { CallRecorder } from './call-recorder';
import { postSignedCallback } from './carrier-requests';

const MEDIA_PATH = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Recordings\/(RE[0-9a-f]{32})\.(wav|json)$/;

/** A byte range request (`bytes=a-b`, `bytes=a-`, `bytes=-n`) over `size` bytes, or 'invalid'. */
export function byteRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'invalid' | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return 'invalid';
  const start = match[1] === '' ? Math.max(0, size - Number(match[2])) : Number(match[1]);
  const end = match[1] === '' || match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  return start > end || start >= size ? 'invalid' : { start, end };
}

export interface RecordedCall {
  callSid: string;
  statusCallback?: string;
}

/**
 * Twilio's recordings of the sandbox's calls: when a recorded call ends, its two-channel WAV is
 * kept under a Recording SID, the recording-status callback is posted (signed, with the SID,
 * duration and channels), and the media is served where Twilio serves it
 * (`/2010-04-01/Accounts/{AccountSid}/Recordings/{RecordingSid}.wav`, Basic auth, byte ranges),
 * and deleted as Twilio deletes them (`DELETE …/Recordings/{RecordingSid}.json`).
 */
export class CarrierRecordings {
  readonly files = new Map<string, { callSid: string; wav: Buffer }>();

  constructor(
    private readonly account: { sid: string; authToken: string; baseUrl: () => string },
    private readonly log: Logger,
  ) {}

  async completed(call: RecordedCall, recorder: CallRecorder): Promise<void> {
    const sid = `RE${randomBytes(16).toString('hex')}`;
    this.files.set(sid, { callSid: call.callSid, wav: recorder.wav() });
    if (!call.statusCallback) return;
    await postSignedCallback(
      this.account.authToken,
      call.statusCallback,
      {
        AccountSid: this.account.sid,
        CallSid: call.callSid,
        RecordingSid: sid,
        RecordingUrl: `${this.account.baseUrl()}/2010-04-01/Accounts/${this.account.sid}/Recordings/${sid}`,
        RecordingStatus: 'completed',
        RecordingDuration: String(recorder.durationSec),
        RecordingChannels: '2',
        RecordingSource: 'OutboundAPI',
        RecordingTrack: 'both',
        RecordingStartTime: new Date().toUTCString(),
      },
      this.log,
    ).catch((error: unknown) =>
      this.log.debug({ err: error, callSid: call.callSid }, 'recording callback not delivered'),
    );
  }

  /** Serves a recording's media if `path` names one; false: not a recording path. */
  serve(req: IncomingMessage, res: ServerResponse, path: string, authorized: (accountSid: string) => boolean): boolean {
    const match = MEDIA_PATH.exec(path);
    const deleting = req.method === 'DELETE' && match?.[3] === 'json';
    if (!match || !(deleting || (req.method === 'GET' && match[3] === 'wav'))) return false;
    const json = (status: number, body: object) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (!authorized(match[1])) return (json(401, { code: 20003, message: 'Authenticate', status: 401 }), true);
    const file = this.files.get(match[2]);
    if (!file) return (json(404, { code: 20404, message: 'The requested resource was not found', status: 404 }), true);
    if (deleting) {
      this.files.delete(match[2]);
      res.writeHead(204).end();
      return true;
    }
    const size = file.wav.length;
    const range = byteRange(req.headers.range, size);
    if (range === 'invalid') {
      res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
      return true;
    }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    res.writeHead(range ? 206 : 200, {
      'content-type': 'audio/x-wav',
      'content-length': String(end - start + 1),
      'accept-ranges': 'bytes',
      ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
    });
    res.end(file.wav.subarray(start, end + 1));
    return true;
  }
}
