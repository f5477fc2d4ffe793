import type { GoogleGenAI, LiveConnectConfig, LiveServerMessage, Session } from '@google/genai';
import type { Logger } from '../shared/logger';
import { RealtimeAudioSender } from './realtime-audio-sender';

export interface LiveListener {
  message(message: LiveServerMessage): void;
  /** The session is gone for good (no resumption handle, or resuming failed). */
  failed(error: Error): void;
}

const RECONNECT_DELAYS_MS = [0, 250, 750, 1500];

/**
 * One call's Gemini Live session through the real SDK (`ai.live.connect`), kept alive across
 * `goAway` and dropped connections by resuming with the latest session-resumption handle.
 * Callee audio sent while reconnecting is held (up to a bound) and sent on afterwards.
 * Messages that arrive before a listener is attached (pre-warm) are queued for it.
 */
export class LiveConnection {
  private session?: Session;
  private generation = 0;
  /** The generation whose connection completed set-up; only its loss calls for resuming. */
  private established = 0;
  private handle?: string;
  private reconnecting = false;
  private closed = false;
  private listener?: LiveListener;
  private readonly early: LiveServerMessage[] = [];
  private readonly heldAudio: Buffer[] = [];
  private readonly audio = new RealtimeAudioSender();
  private droppedAudio = 0;

  constructor(
    private readonly ai: GoogleGenAI,
    private readonly model: string,
    private readonly config: (resumptionHandle?: string) => LiveConnectConfig,
    private readonly log: Logger,
    private readonly maxHeldChunks = 250,
  ) {}

  async open(): Promise<void> {
    this.session = await this.connect();
  }

  attach(listener: LiveListener): void {
    this.listener = listener;
    for (const message of this.early.splice(0)) listener.message(message);
  }

  private async connect(): Promise<Session> {
    const generation = ++this.generation;
    const session = await this.ai.live.connect({
      model: this.model,
      config: this.config(this.handle),
      callbacks: {
        onmessage: (message) => this.onMessage(generation, message),
        onerror: (event) => this.log.warn({ error: event.message }, 'Gemini Live socket error'),
        onclose: (event) => this.onClose(generation, event.code, event.reason),
      },
    });
    this.established = generation;
    return session;
  }

  private onMessage(generation: number, message: LiveServerMessage): void {
    if (generation !== this.generation) return;
    const update = message.sessionResumptionUpdate;
    if (update?.resumable && update.newHandle) this.handle = update.newHandle;
    if (message.goAway) {
      this.log.info({ timeLeft: message.goAway.timeLeft }, 'Gemini Live goAway; resuming on a new connection');
      void this.reconnect();
    }
    if (this.listener) this.listener.message(message);
    else this.early.push(message);
  }

  private onClose(generation: number, code: number, reason: string): void {
    if (this.closed || generation !== this.generation || generation !== this.established) return;
    this.log.warn({ code, reason }, 'Gemini Live connection dropped; resuming');
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
    if (!this.session) return this.fail(lastError instanceof Error ? lastError : new Error(String(lastError)));
    this.log.info(
      { heldChunks: this.heldAudio.length, droppedChunks: this.droppedAudio },
      'Gemini Live session resumed',
    );
    for (const data of this.heldAudio.splice(0)) this.sendAudio(data);
    this.droppedAudio = 0;
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.session?.close();
    this.listener?.failed(error);
  }

  /** PCM16 at 16 kHz; the buffer may be reused by the caller once this returns. */
  sendAudio(pcm: Buffer): void {
    if (this.closed) return;
    if (!this.session) {
      if (this.heldAudio.length >= this.maxHeldChunks) {
        this.heldAudio.shift();
        this.droppedAudio++;
      }
      this.heldAudio.push(Buffer.from(pcm));
      return;
    }
    this.audio.send(this.session, pcm);
  }

  /** The callee is gone: Gemini should transcribe and answer what it has. */
  endAudio(): void {
    this.session?.sendRealtimeInput({ audioStreamEnd: true });
  }

  sendText(text: string): void {
    this.session?.sendClientContent({ turns: [{ role: 'user', parts: [{ text }] }], turnComplete: true });
  }

  sendToolResponse(id: string, name: string, response: Record<string, unknown>): void {
    this.session?.sendToolResponse({ functionResponses: [{ id, name, response }] });
  }

  close(): void {
    this.closed = true;
    this.session?.close();
    this.session = undefined;
  }
}
