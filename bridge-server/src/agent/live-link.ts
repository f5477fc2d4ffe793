import type { GoogleGenAI, LiveConnectConfig, LiveServerMessage, Session } from '@google/genai';
import type { Logger } from '../shared/logger';
import { withDeadline } from '../shared/with-deadline';

export interface LiveLinkOptions {
  ai: GoogleGenAI;
  model: string;
  /** The set-up for a connection, resuming `resumptionHandle` when there is one. */
  config: (resumptionHandle?: string) => LiveConnectConfig;
  log: Logger;
  /** Connecting plus `setupComplete` must take no longer than this. */
  setupTimeoutMs: number;
  onMessage: (message: LiveServerMessage) => void;
  /** A connection is up and set up (the first, or one that took over). */
  onUp: () => void;
  /** The link is gone for good. */
  onFailed: (error: Error) => void;
}

/** Reconnect attempts after a lost connection: bounded, backing off. */
const RECONNECT_DELAYS_MS = [0, 250, 750, 1500];
/** After `goAway`, switch this long before the old connection's time is up. */
const GO_AWAY_MARGIN_MS = 500;

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/** `"5s"`, `"1.5s"` (a protobuf Duration in JSON) in milliseconds. */
function durationMs(value: string | undefined): number | undefined {
  const seconds = value === undefined ? NaN : Number.parseFloat(value);
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

/**
 * The SDK connection(s) under one call's Gemini Live session. Each connection must be set up
 * (`setupComplete`) within the deadline. A dropped connection is resumed with the latest
 * session-resumption handle, with bounded back-off. After `goAway` the old connection is used
 * until the agent's turn ends (or its time is nearly up), and only then is a new one opened,
 * so the turn in flight and its transcription arrive whole; messages from the old connection
 * are still taken while the new one connects.
 */
export class LiveLink {
  private session?: Session;
  private generation = 0;
  /** The generation whose connection completed set-up; only its loss calls for resuming. */
  private established = 0;
  /** Messages from connections older than this are dropped. */
  private acceptFrom = 1;
  private handle?: string;
  private switching = false;
  private closed = false;
  /** Set by `goAway`: switch at the next turn boundary, or when this timer fires. */
  private switchTimer?: NodeJS.Timeout;
  private goingAway = false;
  /** The agent's turn is under way (audio or words since the last turn end). */
  midTurn = false;

  constructor(private readonly options: LiveLinkOptions) {}

  /** Opens the first connection; if it fails, tries once more when `retryAfter` settles. */
  async open(retryAfter: Promise<void>): Promise<void> {
    const started = performance.now();
    try {
      this.session = await this.connect();
      this.options.log.info({ setupMs: Math.round(performance.now() - started) }, 'Gemini Live session ready');
    } catch (error) {
      if (this.closed) return;
      this.options.log.warn({ err: error }, 'opening Gemini Live failed; trying again when the stream starts');
      await retryAfter;
      if (this.closed) return;
      try {
        this.session = await this.connect();
      } catch (again) {
        return this.fail(asError(again));
      }
    }
    this.options.onUp();
  }

  /** The connection to send on; undefined while connecting or switching. */
  get current(): Session | undefined {
    return this.session;
  }

  private async connect(): Promise<Session> {
    const generation = ++this.generation;
    let setUp!: () => void;
    const setupComplete = new Promise<void>((resolve) => (setUp = resolve));
    const connecting = this.options.ai.live.connect({
      model: this.options.model,
      config: this.options.config(this.handle),
      callbacks: {
        onmessage: (message) => {
          if (message.setupComplete) setUp();
          this.message(generation, message);
        },
        onerror: (event) => this.options.log.warn({ error: event.message }, 'Gemini Live socket error'),
        onclose: (event) => this.dropped(generation, event.code, event.reason),
      },
    });
    try {
      // One deadline for connecting and for the set-up to complete.
      const session = await withDeadline(
        connecting.then(async (opened) => {
          await setupComplete;
          return opened;
        }),
        this.options.setupTimeoutMs,
        `Gemini Live set-up took longer than ${this.options.setupTimeoutMs} ms`,
      );
      if (this.closed) throw new Error('the session was closed while connecting');
      this.established = generation;
      return session;
    } catch (error) {
      // Whenever the connection comes (or came), it is not wanted.
      void connecting.then(
        (late) => late.close(),
        () => undefined,
      );
      throw error;
    }
  }

  private message(generation: number, message: LiveServerMessage): void {
    if (generation < this.acceptFrom || this.closed) return;
    const update = message.sessionResumptionUpdate;
    if (update?.resumable && update.newHandle) this.handle = update.newHandle;
    const content = message.serverContent;
    const turnEnded = Boolean(content?.turnComplete || content?.interrupted);
    if (content?.modelTurn || content?.outputTranscription) this.midTurn = true;
    if (turnEnded) this.midTurn = false;
    this.options.onMessage(message);
    if (turnEnded && this.goingAway) void this.switchConnection();
    if (message.goAway && generation === this.generation) this.goAway(durationMs(message.goAway.timeLeft));
  }

  private goAway(timeLeftMs: number | undefined): void {
    this.options.log.info({ timeLeftMs }, 'Gemini Live goAway; switching at the end of the turn');
    this.goingAway = true;
    if (!this.midTurn) return void this.switchConnection();
    clearTimeout(this.switchTimer);
    this.switchTimer = setTimeout(
      () => void this.switchConnection(),
      Math.max(0, (timeLeftMs ?? 0) - GO_AWAY_MARGIN_MS),
    );
  }

  private dropped(generation: number, code: number, reason: string): void {
    if (this.closed || generation !== this.established || generation !== this.generation || this.switching) return;
    // The service closes with 1007 (invalid argument) or 1008 (policy) for what it will refuse again.
    if (code === 1007 || code === 1008)
      return this.fail(new Error(`Gemini Live closed the session: ${code} ${reason || 'no reason given'}`));
    this.options.log.warn({ code, reason }, 'Gemini Live connection dropped; resuming');
    void this.switchConnection();
  }

  /** A new connection resuming the session; the old one is closed once it is up. */
  private async switchConnection(): Promise<void> {
    if (this.switching || this.closed) return;
    clearTimeout(this.switchTimer);
    this.goingAway = false;
    if (!this.handle) return this.fail(new Error('Gemini Live connection lost and no resumption handle was given'));
    this.switching = true;
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
    this.acceptFrom = this.generation;
    previous?.close();
    this.switching = false;
    if (!this.session) return this.fail(asError(lastError));
    this.options.log.info('Gemini Live session resumed on a new connection');
    this.options.onUp();
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.close();
    this.options.onFailed(error);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.switchTimer);
    this.session?.close();
    this.session = undefined;
  }
}
