import { GoogleGenAI } from '@google/genai';
import type { CallRecord } from '../model/call-record';
import type { GeminiSettings } from '../config/load-config';
import type { Logger } from '../shared/logger';
import { GeminiLiveSession } from './gemini-live-session';
import { greetingInstruction, liveConnectConfig } from './live-session-config';

interface Prepared {
  session: GeminiLiveSession;
  expiry: NodeJS.Timeout;
}

/**
 * Opens Gemini Live sessions for agent calls. `prewarm` opens one while the phone rings and asks
 * for the greeting at once, so its audio is waiting when the media stream starts; `claim` hands
 * that session to the stream (or opens a fresh one when the stream landed on another instance).
 */
export class AgentConnector {
  private readonly ai: GoogleGenAI;
  private readonly prepared = new Map<string, Prepared>();

  constructor(
    private readonly settings: GeminiSettings,
    private readonly log: Logger,
  ) {
    this.ai = new GoogleGenAI({
      apiKey: settings.apiKey,
      httpOptions: {
        ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}),
        ...(settings.apiVersion ? { apiVersion: settings.apiVersion } : {}),
      },
    });
  }

  prewarm(call: CallRecord): void {
    if (call.mode !== 'agent' || !call.agent || this.prepared.has(call.id)) return;
    const session = this.open(call, this.log.child({ callId: call.id }));
    // An unanswered call never claims its session.
    const expiry = setTimeout(() => this.discard(call.id), (call.ringTimeoutSec + 60) * 1000);
    expiry.unref();
    this.prepared.set(call.id, { session, expiry });
  }

  /** The call's session: the pre-warmed one, else a new one. */
  claim(call: CallRecord, log: Logger): GeminiLiveSession {
    const prepared = this.prepared.get(call.id);
    if (!prepared) return this.open(call, log);
    this.prepared.delete(call.id);
    clearTimeout(prepared.expiry);
    return prepared.session;
  }

  private open(call: CallRecord, log: Logger): GeminiLiveSession {
    const agent = call.agent ?? { prompt: '' };
    return new GeminiLiveSession({
      ai: this.ai,
      model: this.settings.model,
      config: (handle) => liveConnectConfig(agent, call.language, handle),
      firstText: greetingInstruction(agent.greeting),
      log,
    });
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
