import type { CallMode } from '../shared/wire-types';
import type { GeminiSettings, SpeechSettings, TwilioSettings } from './load-config';

/** How to reach each service a bridge talks to: the real ones, or simulators on loopback. */
export interface ServiceSettings {
  twilio: TwilioSettings;
  /** Unset: agent calls are not offered. */
  gemini?: GeminiSettings;
  /** Unset: transcribe calls are not offered. */
  speech?: SpeechSettings;
  /**
   * Sandbox only: someone calls one of the account's numbers (`POST /v1/sandbox/incoming`); the
   * simulated carrier posts the signed voice webhook to `voiceUrl`. Resolves to the call's sid.
   */
  simulateIncoming?: (call: { from: string; to: string; voiceUrl: string; callerName?: string }) => Promise<string>;
}

/** The call modes these services offer: agent with Gemini, transcribe with Speech-to-Text. */
export function callModes(services: ServiceSettings): CallMode[] {
  return [...(services.gemini ? (['agent'] as const) : []), ...(services.speech ? (['transcribe'] as const) : [])];
}
