import type { GeminiSettings, SpeechSettings, TwilioSettings } from './load-config';

/** How to reach each service a bridge talks to: the real ones, or simulators on loopback. */
export interface ServiceSettings {
  twilio: TwilioSettings;
  /** Unset: agent calls are not offered. */
  gemini?: GeminiSettings;
  /** Unset: transcribe calls are not offered. */
  speech?: SpeechSettings;
}
