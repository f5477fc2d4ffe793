import { BridgeError } from '../shared/errors';

/** Twilio's REST API, where recordings are served (named, so no setting but TWILIO_API_BASE_URL moves it). */
const TWILIO_API_BASE_URL = 'https://api.twilio.com';
const RECORDING_SID = /^RE[0-9a-f]{32}$/;

/** Whether `sid` has the shape of a Twilio Recording SID (RE and 32 hex digits). */
export function isRecordingSid(sid: string | undefined): sid is string {
  return RECORDING_SID.test(sid ?? '');
}

export interface RecordingMediaSettings {
  accountSid: string;
  authToken: string;
  apiBaseUrl?: string;
}

/**
 * A recording's audio as Twilio serves it (`/2010-04-01/Accounts/{AccountSid}/Recordings/{Sid}.wav`,
 * HTTP Basic with the account's credentials), a byte range passed through. The URL is built from
 * the account and the Recording SID alone, never from a URL a callback carried.
 */
export class RecordingMedia {
  constructor(private readonly settings: RecordingMediaSettings) {}

  async fetch(recordingSid: string, range?: string, signal?: AbortSignal): Promise<Response> {
    if (!isRecordingSid(recordingSid)) throw new BridgeError('RECORDING_NOT_FOUND');
    const { accountSid, authToken, apiBaseUrl } = this.settings;
    const url = `${apiBaseUrl ?? TWILIO_API_BASE_URL}/2010-04-01/Accounts/${accountSid}/Recordings/${recordingSid}.wav`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: {
          authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
          ...(range ? { range } : {}),
        },
        signal: signal ?? AbortSignal.timeout(15_000),
      });
    } catch (error) {
      throw new BridgeError(
        'CARRIER_UNAVAILABLE',
        `Twilio could not be reached for the recording: ${(error as Error).message}.`,
      );
    }
    if (response.status === 404)
      throw new BridgeError('RECORDING_NOT_FOUND', 'Twilio has no such recording (it may have been deleted).');
    if (response.status === 401) throw new BridgeError('CARRIER_AUTH_FAILED');
    if (response.status >= 500)
      throw new BridgeError('CARRIER_UNAVAILABLE', `Twilio answered ${response.status} for the recording.`);
    return response;
  }

  /** Deletes the recording at Twilio (a request to delete the call's data); false if Twilio had none. */
  async delete(recordingSid: string): Promise<boolean> {
    const response = await this.request('DELETE', recordingSid, 'json', {});
    if (response.status === 404) return false;
    if (response.status === 401) throw new BridgeError('CARRIER_AUTH_FAILED');
    if (!response.ok)
      throw new BridgeError('CARRIER_UNAVAILABLE', `Twilio answered ${response.status} to deleting the recording.`);
    return true;
  }

  private async request(
    method: 'GET' | 'DELETE',
    recordingSid: string,
    extension: 'wav' | 'json',
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<Response> {
    if (!isRecordingSid(recordingSid)) throw new BridgeError('RECORDING_NOT_FOUND');
    const { accountSid, authToken, apiBaseUrl } = this.settings;
    const base = apiBaseUrl ?? TWILIO_API_BASE_URL;
    try {
      return await fetch(`${base}/2010-04-01/Accounts/${accountSid}/Recordings/${recordingSid}.${extension}`, {
        method,
        headers: { authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`, ...headers },
        signal: signal ?? AbortSignal.timeout(15_000),
      });
    } catch (error) {
      throw new BridgeError(
        'CARRIER_UNAVAILABLE',
        `Twilio could not be reached for the recording: ${(error as Error).message}.`,
      );
    }
  }
}
