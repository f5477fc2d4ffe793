import type { GoogleGenAI, LiveConnectConfig, Session } from '@google/genai';
import { BoundedQueue } from '../shared/bounded-queue';
import { EventRelay } from '../shared/event-relay';
import { Latch } from '../shared/latch';
import type { Logger } from '../shared/logger';
import { agentEventsOf, type AgentEvent, type AgentEventListener } from './live-events';
import { RealtimeAudioSender } from './realtime-audio-sender';

export interface GeminiLiveSessionOptions {
  ai: GoogleGenAI;
  model: string;
  /** The set-up for a connection, resuming `resumptionHandle` when there is one. */
  config: (resumptionHandle?: string) => LiveConnectConfig;
  /** Sent once the first connection is up: the turn that makes the agent speak first. */
  firstText?: string;
  log: Logger;
  /** Caller audio held while there is no connection (5 s of 20 ms chunks). */
  maxHeldChunks?: number;
}

export interface FinishInputOptions {
  /** Longest wait for the caller's last words. */
  limitMs: number;
  /** Once words have come, this much quiet means they are all in. */
  quietMs: number;
  /** Words for the caller's current utterance have already come. */
  haveWords: boolean;
}

const RECONNECT_DELAYS_MS = [0, 250, 750, 1500];

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/**
 * One call's Gemini Live session through the real SDK (`ai.live.connect`): the only code that
 * touches the SDK's session. It opens at once (while the phone rings), kept alive across
 * `goAway` and dropped connections by resuming with the latest session-resumption handle; a
 * first connection that fails is tried once more when the call claims the session. Caller audio
 * sent while there is no connection is held in one bounded buffer and sent on afterwards.
 * What the session says reaches the listener as `AgentEvent`s; events that come before a
 * listener (the pre-warmed greeting) wait for it.
 */
export class GeminiLiveSession {
  private session?: Session;
  private generation = 0;
  /** The generation whose connection completed set-up; only its loss calls for resuming. */
  private established = 0;
  private handle?: string;
  private reconnecting = false;
  private closed = false;
  private readonly events = new EventRelay<AgentEvent>();
  private readonly held: BoundedQueue<Buffer>;
  private readonly audio = new RealtimeAudioSender();
  /** Opens when the call claims the session (a failed first connection is retried then). */
  private readonly claim = new Latch();
  /** Told of the caller's words while `finishInput` waits for the last of them. */
  private onCallerWords?: () => void;

  constructor(private readonly options: GeminiLiveSessionOptions) {
    this.held = new BoundedQueue(options.maxHeldChunks ?? 250);
    void this.open();
  }

  listen(listener: AgentEventListener): void {
    this.claim.open();
    this.events.listen(listener);
  }

  private async open(): Promise<void> {
    try {
      this.session = await this.connect();
    } catch (error) {
      if (this.closed) return;
      this.options.log.warn({ err: error }, 'opening Gemini Live failed; trying again when the stream starts');
      await this.claim.opened;
      if (this.closed) return;
      try {
        this.session = await this.connect();
      } catch (again) {
        return this.fail(asError(again));
      }
    }
    if (this.options.firstText) this.sendText(this.options.firstText);
    this.sendHeld();
  }

  private async connect(): Promise<Session> {
    const generation = ++this.generation;
    const session = await this.options.ai.live.connect({
      model: this.options.model,
      config: this.options.config(this.handle),
      callbacks: {
        onmessage: (message) => {
          if (generation !== this.generation) return;
          const update = message.sessionResumptionUpdate;
          if (update?.resumable && update.newHandle) this.handle = update.newHandle;
          if (message.goAway) {
            this.options.log.info({ timeLeft: message.goAway.timeLeft }, 'Gemini Live goAway; resuming');
            void this.reconnect();
          }
          for (const event of agentEventsOf(message)) this.emit(event);
        },
        onerror: (event) => this.options.log.warn({ error: event.message }, 'Gemini Live socket error'),
        onclose: (event) => this.dropped(generation, event.code, event.reason),
      },
    });
    if (this.closed) {
      session.close();
      throw new Error('the session was closed while connecting');
    }
    this.established = generation;
    return session;
  }

  private emit(event: AgentEvent): void {
    if (event.type === 'caller-words') this.onCallerWords?.();
    this.events.emit(event);
  }

  private dropped(generation: number, code: number, reason: string): void {
    if (this.closed || generation !== this.generation || generation !== this.established) return;
    this.options.log.warn({ code, reason }, 'Gemini Live connection dropped; resuming');
    void this.reconnect();
  }

  private async reconnect(): Promise<void> {
    if (this.reconnecting || this.closed) return;
    if (!this.handle) return this.fail(new Error('Gemini Live connection lost and no resumption handle was given'));
    this.reconnecting = true;
    const previous = this.session;
    this.session = undefined;
    let lastError: unknown;
    for (const delay of RECONNECT_DELAYS_MS) {
      if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.closed) return;
      try {
        this.session = await this.connect();
        break;
      } catch (error) {
        lastError = error;
      }
    }
    previous?.close();
    this.reconnecting = false;
    if (!this.session) return this.fail(asError(lastError));
    this.options.log.info(
      { heldChunks: this.held.length, droppedChunks: this.held.dropped },
      'Gemini Live session resumed',
    );
    this.sendHeld();
  }

  private sendHeld(): void {
    for (const pcm of this.held.drain()) this.sendAudio(pcm);
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.close();
    this.emit({ type: 'failed', error });
  }

  /** PCM16 at 16 kHz; the buffer may be reused by the caller once this returns. */
  sendAudio(pcm: Buffer): void {
    if (this.closed) return;
    if (this.session) this.audio.send(this.session, pcm);
    else this.held.push(Buffer.from(pcm));
  }

  sendText(text: string): void {
    this.session?.sendClientContent({ turns: [{ role: 'user', parts: [{ text }] }], turnComplete: true });
  }

  sendToolResponse(id: string, name: string, response: Record<string, unknown>): void {
    this.session?.sendToolResponse({ functionResponses: [{ id, name, response }] });
  }

  /**
   * The caller is gone: tell Gemini the audio has ended so it transcribes what it has, and
   * resolve once the caller's last words are in (quiet for `quietMs` after words) or at the limit.
   */
  finishInput({ limitMs, quietMs, haveWords }: FinishInputOptions): Promise<void> {
    this.session?.sendRealtimeInput({ audioStreamEnd: true });
    return new Promise((resolve) => {
      let quiet: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(limit);
        clearTimeout(quiet);
        this.onCallerWords = undefined;
        resolve();
      };
      const limit = setTimeout(done, limitMs);
      this.onCallerWords = () => {
        clearTimeout(quiet);
        quiet = setTimeout(done, quietMs);
      };
      if (haveWords) this.onCallerWords();
    });
  }

  close(): void {
    this.closed = true;
    this.claim.open();
    this.session?.close();
    this.session = undefined;
  }
}
