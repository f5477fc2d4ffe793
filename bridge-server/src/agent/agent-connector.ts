import type { GoogleGenAI } from '@google/genai';
import type { CallRecord } from '../model/call-record';
import type { GeminiSettings } from '../config/load-config';
import type { Logger } from '../shared/logger';
import { createGenAI } from './genai-client';
import { GeminiLiveSession } from './gemini-live-session';
import { greetingInstruction, liveConnectConfig, transferReturnInstruction } from './live-session-config';
import { profileFor, type ModelProfile } from './model-profiles';
import type { DeclaredTool } from './tool-declarations';

interface Prepared {
  session: GeminiLiveSession;
  expiry: NodeJS.Timeout;
}

/** Variables the SDK reads by itself, which would silently send it to Vertex AI or elsewhere. */
const SDK_ENVIRONMENT = [
  'GOOGLE_GENAI_USE_VERTEXAI',
  'GOOGLE_GENAI_USE_ENTERPRISE',
  'GOOGLE_CLOUD_PROJECT',
  'GOOGLE_CLOUD_LOCATION',
  'GOOGLE_GEMINI_BASE_URL',
  'GOOGLE_GENAI_API_VERSION',
];

/**
 * Opens Gemini Live sessions for agent calls. `prewarm` connects one while the phone rings;
 * `greet` asks it for the greeting once a person has answered (at answer, or at the AMD
 * verdict when detection is on), so busy, unanswered and machine-answered calls generate no
 * output; `claim` hands the session to the stream (or opens a fresh one when the stream landed
 * on another instance). The SDK is told everything explicitly (Gemini API, key, endpoint,
 * version), so the environment cannot switch it to Vertex AI.
 */
export class AgentConnector {
  private readonly ai: GoogleGenAI;
  private readonly prepared = new Map<string, Prepared>();
  readonly profile: ModelProfile;

  constructor(
    private readonly settings: GeminiSettings,
    private readonly log: Logger,
    private readonly setupTimeoutMs = 5000,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.profile = profileFor(settings.model);
    if (this.profile.family === 'unknown')
      log.warn(
        { model: settings.model },
        'GEMINI_MODEL is not a model family this bridge knows; using the most conservative profile (realtime text input, language in the instruction, blocking tool calls)',
      );
    const ignored = SDK_ENVIRONMENT.filter((name) => env[name] !== undefined);
    if (ignored.length > 0)
      log.warn(
        { ignored },
        'ignoring Google SDK environment variables: the bridge talks to the Gemini API as configured',
      );
    log.info({ model: settings.model, family: this.profile.family, apiVersion: settings.apiVersion }, 'Gemini Live');
    this.ai = createGenAI(settings);
  }

  /** Opens the call's session while it rings, declaring `tools` once they are known. */
  prewarm(call: CallRecord, tools: Promise<DeclaredTool[]> = Promise.resolve([])): void {
    if (call.mode !== 'agent' || !call.agent || this.prepared.has(call.id)) return;
    const session = this.open(call, this.log.child({ callId: call.id }), tools);
    // An unanswered call never claims its session.
    const expiry = setTimeout(() => this.discard(call.id), (call.ringTimeoutSec + 60) * 1000);
    expiry.unref();
    this.prepared.set(call.id, { session, expiry });
  }

  /** A person answered: the pre-warmed session (if it is here) starts the greeting now. */
  greet(callId: string): void {
    this.prepared.get(callId)?.session.greet();
  }

  /** The call's session: the pre-warmed one, else a new one (declaring `tools`). */
  claim(call: CallRecord, log: Logger, tools: Promise<DeclaredTool[]> = Promise.resolve([])): GeminiLiveSession {
    const prepared = this.prepared.get(call.id);
    if (!prepared) return this.open(call, log, tools);
    this.prepared.delete(call.id);
    clearTimeout(prepared.expiry);
    return prepared.session;
  }

  private open(call: CallRecord, log: Logger, tools: Promise<DeclaredTool[]>): GeminiLiveSession {
    const agent = call.agent ?? { prompt: '' };
    let declared: DeclaredTool[] = [];
    return new GeminiLiveSession({
      ai: this.ai,
      model: this.settings.model,
      profile: this.profile,
      ready: tools.then((known) => void (declared = known)),
      config: (handle) => liveConnectConfig(agent, call.language, this.profile, handle, declared, call.direction),
      greeting:
        call.transfer && call.transfer.outcome !== 'connecting' && call.transfer.outcome !== 'connected'
          ? transferReturnInstruction(call.transfer)
          : greetingInstruction(agent.greeting),
      setupTimeoutMs: this.setupTimeoutMs,
      log,
    });
  }

  /** Closes the call's pre-warmed session, if it is here and unclaimed. */
  drop(callId: string): void {
    this.discard(callId);
  }

  private discard(callId: string): void {
    const prepared = this.prepared.get(callId);
    if (!prepared) return;
    this.prepared.delete(callId);
    prepared.session.close();
  }

  close(): void {
    for (const callId of [...this.prepared.keys()]) this.discard(callId);
  }
}
