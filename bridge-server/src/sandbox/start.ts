import {
  DEFAULT_GEMINI_API_VERSION,
  DEFAULT_ANALYSIS_MODEL,
  DEFAULT_GEMINI_MODEL,
  type BridgeConfig,
} from '../config/load-config';
import type { ServiceSettings } from '../config/service-settings';
import type { Logger } from '../shared/logger';
import { GeminiLiveSimulator } from './gemini-live-simulator';
import { SANDBOX_FROM_NUMBER, SandboxCarrier } from './sandbox-carrier';
import { SpeechSimulator } from './speech-simulator';

export interface Sandbox {
  readonly services: ServiceSettings;
  /** The running simulators (none in live mode). */
  readonly carrier?: SandboxCarrier;
  readonly gemini?: GeminiLiveSimulator;
  readonly speech?: SpeechSimulator;
  close(): Promise<void>;
}

/**
 * Starts a simulator on loopback for each service the configuration leaves out (all three in
 * sandbox mode, none in live mode), and gives the settings that reach each service, real or
 * simulated. The bridge itself never knows which it got.
 */
export async function startSandbox(config: BridgeConfig, log: Logger): Promise<Sandbox> {
  const opened: { close(): Promise<void> }[] = [];
  let carrier: SandboxCarrier | undefined;
  let gemini: GeminiLiveSimulator | undefined;
  let speech: SpeechSimulator | undefined;
  let twilioSettings = config.twilio;
  if (!twilioSettings) {
    carrier = new SandboxCarrier({ log, speed: config.sandboxSpeed, media: config.sandboxMedia });
    opened.push(carrier);
    twilioSettings = {
      accountSid: carrier.accountSid,
      authToken: carrier.authToken,
      fromNumber: SANDBOX_FROM_NUMBER,
      apiBaseUrl: await carrier.listen(),
    };
  }
  let geminiSettings = config.gemini;
  if (!geminiSettings && config.sandbox) {
    gemini = new GeminiLiveSimulator({ log, speed: config.sandboxSpeed });
    opened.push(gemini);
    // The simulator is a gemini-3.8-live on the documented API version, and refuses like one.
    geminiSettings = {
      apiKey: 'sandbox',
      model: DEFAULT_GEMINI_MODEL,
      apiVersion: DEFAULT_GEMINI_API_VERSION,
      analysisModel: DEFAULT_ANALYSIS_MODEL,
      baseUrl: await gemini.listen(),
    };
  }
  let speechSettings = config.speech;
  if (!speechSettings && config.sandbox) {
    speech = new SpeechSimulator({ log });
    opened.push(speech);
    const [host, port] = (await speech.listen()).split(':');
    speechSettings = { endpoint: { host, port: Number(port) }, insecure: true };
  }
  const simulated = carrier;
  return {
    services: {
      twilio: twilioSettings,
      gemini: geminiSettings,
      speech: speechSettings,
      ...(simulated && config.sandbox
        ? { simulateIncoming: async (call) => (await simulated.incoming(call)).sid }
        : {}),
    },
    carrier,
    gemini,
    speech,
    async close() {
      await Promise.all(opened.map((simulator) => simulator.close()));
    },
  };
}
