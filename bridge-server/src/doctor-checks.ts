import twilio from 'twilio';
import { createGenAI } from './agent/genai-client';
import { liveConnectConfig } from './agent/live-session-config';
import { profileFor } from './agent/model-profiles';
import type { GeminiSettings, SpeechSettings, TwilioSettings } from './config/load-config';
import { silentLogger } from './shared/logger';
import { withDeadline } from './shared/with-deadline';
import type { RedisSettings } from './config/redis-settings';
import { connectRedis, redisReady } from './store/redis-connection';
import { createSpeechClient } from './stt/speech-client';

/** One line of `voice-bridge doctor`: what was checked, what was found, and the fix if it failed. */
export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

const TIMEOUT_MS = 5000;

const describe = (error: unknown): string => {
  const failure = error as { status?: number; code?: number | string; message?: string; details?: string };
  const parts = [failure.status && `HTTP ${failure.status}`, failure.code && `code ${failure.code}`].filter(Boolean);
  return `${failure.details ?? failure.message ?? String(error)}${parts.length ? ` (${parts.join(', ')})` : ''}`;
};

/** `promise`, or a failure naming `what` after the doctor's timeout. */
const withTimeout = <T>(promise: Promise<T>, what: string): Promise<T> =>
  withDeadline(promise, TIMEOUT_MS, `${what} did not answer within ${TIMEOUT_MS / 1000} s`);

export function checkPublicUrl(publicUrl: string | undefined): CheckResult {
  const fix = 'set PUBLIC_URL to the https address Twilio reaches the bridge at (a tunnel for local trials)';
  if (!publicUrl) return { name: 'public URL', ok: false, detail: 'PUBLIC_URL is not set', fix };
  const url = new URL(publicUrl);
  if (url.protocol !== 'https:')
    return { name: 'public URL', ok: false, detail: `${publicUrl} is not https (Twilio needs wss media)`, fix };
  return {
    name: 'public URL',
    ok: true,
    detail: `${publicUrl} (media at wss://${url.host}${url.pathname.replace(/\/$/, '')}/twilio/media)`,
  };
}

export async function checkTwilio(settings: TwilioSettings): Promise<CheckResult[]> {
  const client = twilio(settings.accountSid, settings.authToken, { autoRetry: false, timeout: TIMEOUT_MS });
  if (settings.apiBaseUrl) client.api.baseUrl = settings.apiBaseUrl;
  try {
    const account = await client.api.v2010.accounts(settings.accountSid).fetch();
    const credentials: CheckResult = {
      name: 'Twilio credentials',
      ok: account.status === 'active',
      detail: `account ${settings.accountSid.slice(0, 6)}… is ${account.status}`,
      ...(account.status === 'active' ? {} : { fix: 'reactivate the account in the Twilio console' }),
    };
    const numbers = await client.incomingPhoneNumbers.list({ phoneNumber: settings.fromNumber, limit: 1 });
    const owned = numbers.length > 0;
    return [
      credentials,
      {
        name: 'Twilio from-number',
        ok: owned,
        detail: owned
          ? `${settings.fromNumber} is a number on this account`
          : `${settings.fromNumber} is not a number on this account`,
        ...(owned
          ? {}
          : { fix: 'buy or port the number in the Twilio console, or set TWILIO_FROM_NUMBER to one you own' }),
      },
    ];
  } catch (error) {
    const status = (error as { status?: number }).status;
    return [
      {
        name: 'Twilio credentials',
        ok: false,
        detail: `Twilio refused: ${describe(error)}`,
        fix:
          status === 401
            ? 'check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (Console → Account info)'
            : 'check the network path to api.twilio.com (or TWILIO_API_BASE_URL)',
      },
    ];
  }
}

/** A short Live connection: the key and the model are good when the set-up completes. */
export async function checkGemini(settings: GeminiSettings): Promise<CheckResult> {
  const profile = profileFor(settings.model);
  const ai = createGenAI(settings);
  const name = 'Gemini Live';
  const fix =
    'check GEMINI_API_KEY (Google AI Studio → API keys) and GEMINI_MODEL (a Live model such as gemini-3.8-live)';
  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        let setUp = false;
        void ai.live
          .connect({
            model: settings.model,
            config: liveConnectConfig({ prompt: 'Configuration check.' }, 'en-US', profile),
            callbacks: {
              onmessage: (message) => {
                if (!message.setupComplete) return;
                setUp = true;
                resolve();
              },
              onclose: (event) => {
                if (!setUp) reject(new Error(`closed with ${event.code}: ${event.reason || 'no reason given'}`));
              },
            },
          })
          .then((session) => (setUp ? session.close() : setTimeout(() => session.close(), TIMEOUT_MS)), reject);
      }),
      'Gemini Live',
    );
    const note = profile.family === 'unknown' ? ' (an unknown model family: the conservative profile is used)' : '';
    return { name, ok: true, detail: `${settings.model} set up a session on ${settings.apiVersion}${note}` };
  } catch (error) {
    return { name, ok: false, detail: `${settings.model}: ${describe(error)}`, fix };
  }
}

/** A streaming recognition of 100 ms of silence: the credentials and the service are good when it ends cleanly. */
export async function checkSpeech(settings: SpeechSettings): Promise<CheckResult> {
  const client = createSpeechClient(settings);
  const name = 'Speech-to-Text';
  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        const stream = client.streamingRecognize({
          config: { encoding: 'MULAW', sampleRateHertz: 8000, languageCode: 'en-US', model: 'telephony' },
        });
        stream.on('error', reject);
        stream.on('data', () => undefined);
        stream.on('end', () => resolve());
        stream.write(Buffer.alloc(800, 0xff));
        stream.end();
      }),
      'Speech-to-Text',
    );
    return { name, ok: true, detail: 'a recognition stream opened and closed cleanly' };
  } catch (error) {
    return {
      name,
      ok: false,
      detail: describe(error),
      fix: 'check GOOGLE_APPLICATION_CREDENTIALS (or GOOGLE_STT_ADC) and that the Speech-to-Text API is enabled for the project',
    };
  } finally {
    await client.close().catch(() => undefined);
  }
}

export async function checkRedis(settings: RedisSettings | undefined): Promise<CheckResult> {
  if (!settings)
    return {
      name: 'Redis',
      ok: false,
      detail: 'REDIS_URL is not set: calls and deliveries would live in memory and be lost on restart',
      fix: 'set REDIS_URL (e.g. redis://127.0.0.1:6379/0)',
    };
  const redis = connectRedis(settings, silentLogger(), 'commands');
  try {
    await redisReady(redis, 2000);
    return { name: 'Redis', ok: true, detail: settings.clusterNodes ? 'cluster reachable' : 'reachable' };
  } catch (error) {
    return { name: 'Redis', ok: false, detail: describe(error), fix: 'check REDIS_URL and that Redis is running' };
  } finally {
    redis.disconnect();
  }
}
