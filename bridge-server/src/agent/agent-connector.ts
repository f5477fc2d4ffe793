import { GoogleGenAI } from '@google/genai';
import type { CallRecord } from '../model/call-record';
import type { GeminiSettings } from '../config/load-config';
import type { Logger } from '../shared/logger';
import { LiveConnection } from './gemini-live-session';
import { greetingInstruction, liveConnectConfig } from './live-session-config';

interface Prepared {
  connection: LiveConnection;
  ready: Promise<void>;
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
    const { connection, ready } = this.open(call, this.log.child({ callId: call.id }));
    ready.catch((error: unknown) =>
      this.log.warn(
        { err: error, callId: call.id },
        'pre-warming Gemini Live failed; will retry when the stream starts',
      ),
    );
    // An unanswered call never claims its session.
    const expiry = setTimeout(() => this.discard(call.id), (call.ringTimeoutSec + 60) * 1000);
    expiry.unref();
    this.prepared.set(call.id, { connection, ready, expiry });
  }

  /** The call's session: the pre-warmed one when it is healthy, else a new one. */
  async claim(call: CallRecord, log: Logger): Promise<LiveConnection> {
    const prepared = this.prepared.get(call.id);
    if (prepared) {
      this.prepared.delete(call.id);
      clearTimeout(prepared.expiry);
      try {
        await prepared.ready;
        return prepared.connection;
      } catch {
        prepared.connection.close();
      }
    }
    const fresh = this.open(call, log);
    await fresh.ready;
    return fresh.connection;
  }

  private open(call: CallRecord, log: Logger): { connection: LiveConnection; ready: Promise<void> } {
    const agent = call.agent ?? { prompt: '' };
    const connection = new LiveConnection(
      this.ai,
      this.settings.model,
      (handle) => liveConnectConfig(agent, call.language, handle),
      log,
    );
    const ready = connection.open().then(() => connection.sendText(greetingInstruction(agent.greeting)));
    return { connection, ready };
  }

  private discard(callId: string): void {
    const prepared = this.prepared.get(callId);
    if (!prepared) return;
    this.prepared.delete(callId);
    prepared.connection.close();
  }

  close(): void {
    for (const callId of [...this.prepared.keys()]) this.discard(callId);
  }
}
