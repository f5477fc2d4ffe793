import { FunctionResponseScheduling, type GoogleGenAI, type LiveConnectConfig } from '@google/genai';
import { BoundedQueue } from '../shared/bounded-queue';
import { EventRelay } from '../shared/event-relay';
import { Latch } from '../shared/latch';
import type { Logger } from '../shared/logger';
import { agentEventsOf, type AgentEvent, type AgentEventListener } from './live-events';
import { LiveLink } from './live-link';
import type { ModelProfile } from './model-profiles';
import { RealtimeAudioSender } from './realtime-audio-sender';

export interface GeminiLiveSessionOptions {
  ai: GoogleGenAI;
  model: string;
  profile: ModelProfile;
  /** The set-up for a connection, resuming `resumptionHandle` when there is one. */
  config: (resumptionHandle?: string) => LiveConnectConfig;
  /** The turn that makes the agent speak first; sent when `greet` is called. */
  greeting: string;
  log: Logger;
  /** Connecting plus `setupComplete` must take no longer than this (default 5 s). */
  setupTimeoutMs?: number;
  /** Caller audio held while there is no connection (5 s of 20 ms chunks). */
  maxHeldChunks?: number;
  /** Settles once the set-up can be built (the call's MCP tools are listed); connecting waits for it. */
  ready?: Promise<void>;
}

export interface FinishInputOptions {
  /** Longest wait for the caller's last words. */
  limitMs: number;
  /** Once words have come, this much quiet means they are all in. */
  quietMs: number;
  /** Words for the caller's current utterance have already come. */
  haveWords: boolean;
}

/**
 * One call's Gemini Live session through the real SDK (`ai.live.connect`): the only code that
 * touches the SDK's session, and the one place the model profile decides how text and tool
 * responses are sent. It connects at once (while the phone rings) and speaks first only when
 * asked (`greet`: the callee answered), so a call nobody answers costs no output audio. Caller
 * audio sent while there is no connection is held in one bounded buffer and sent on afterwards.
 * What the session says reaches the listener as `AgentEvent`s; events that come before a
 * listener (the greeting asked for at answer) wait for it.
 */
export class GeminiLiveSession {
  private readonly link: LiveLink;
  private readonly events = new EventRelay<AgentEvent>();
  private readonly held: BoundedQueue<Buffer>;
  private readonly audio = new RealtimeAudioSender();
  /** Opens when the call claims the session (a failed first connection is retried then). */
  private readonly claim = new Latch();
  private greeting: 'not-asked' | 'asked' | 'sent' = 'not-asked';
  /** Notes for the model (keypad digits) waiting for the agent's turn to end. */
  private readonly notes: string[] = [];
  /** Told of the caller's words while `finishInput` waits for the last of them. */
  private onCallerWords?: () => void;

  constructor(private readonly options: GeminiLiveSessionOptions) {
    this.held = new BoundedQueue(options.maxHeldChunks ?? 250);
    this.link = new LiveLink({
      ai: options.ai,
      model: options.model,
      config: options.config,
      log: options.log,
      setupTimeoutMs: options.setupTimeoutMs ?? 5000,
      onMessage: (message) => {
        for (const event of agentEventsOf(message)) this.emit(event);
        if (message.serverContent?.turnComplete || message.serverContent?.interrupted) this.sendNotes();
      },
      onUp: () => this.up(),
      onFailed: (error) => this.emit({ type: 'failed', error }),
    });
    void (options.ready ?? Promise.resolve()).then(() => this.link.open(this.claim.opened));
  }

  listen(listener: AgentEventListener): void {
    this.claim.open();
    this.events.listen(listener);
  }

  /** The callee is there: the agent speaks first (once, as soon as the connection is up). */
  greet(): void {
    if (this.greeting !== 'not-asked') return;
    this.greeting = 'asked';
    if (this.link.current) this.up();
  }

  private up(): void {
    if (this.greeting === 'asked' && this.link.current) {
      this.greeting = 'sent';
      this.sendText(this.options.greeting, true);
    }
    if (this.held.length > 0)
      this.options.log.info(
        { heldChunks: this.held.length, droppedChunks: this.held.dropped },
        'sending the caller audio held while Gemini Live was connecting',
      );
    for (const pcm of this.held.drain()) this.sendAudio(pcm);
    this.sendNotes();
  }

  private emit(event: AgentEvent): void {
    if (event.type === 'caller-words') this.onCallerWords?.();
    this.events.emit(event);
  }

  /** PCM16 at 16 kHz; the buffer may be reused by the caller once this returns. */
  sendAudio(pcm: Buffer): void {
    const session = this.link.current;
    if (session) this.audio.send(session, pcm);
    else this.held.push(Buffer.from(pcm));
  }

  /**
   * Something the model should know (a key the callee pressed) without cutting the agent off:
   * with client content it goes at once, asking for an answer only when the agent is not
   * speaking; with realtime text it waits for the end of the agent's turn.
   */
  sendNote(text: string): void {
    if (this.options.profile.textInput === 'client-content') return this.sendText(text, !this.link.midTurn);
    this.notes.push(text);
    this.sendNotes();
  }

  private sendNotes(): void {
    if (this.link.midTurn || !this.link.current) return;
    for (const note of this.notes.splice(0)) this.sendText(note, true);
  }

  private sendText(text: string, answerNow: boolean): void {
    const session = this.link.current;
    if (!session) return;
    if (this.options.profile.textInput === 'realtime-text') session.sendRealtimeInput({ text });
    else session.sendClientContent({ turns: [{ role: 'user', parts: [{ text }] }], turnComplete: answerNow });
  }

  /** A tool call's result; on families with async calls it takes `scheduling` (default: silent). */
  sendToolResponse(
    id: string,
    name: string,
    response: Record<string, unknown>,
    scheduling = FunctionResponseScheduling.SILENT,
  ): void {
    const functionResponse = { id, name, response };
    this.link.current?.sendToolResponse({
      functionResponses: [
        this.options.profile.asyncFunctionCalls ? { ...functionResponse, scheduling } : functionResponse,
      ],
    });
  }

  /**
   * The caller is gone: tell Gemini the audio has ended so it transcribes what it has, and
   * resolve once the caller's last words are in (quiet for `quietMs` after words) or at the limit.
   */
  finishInput({ limitMs, quietMs, haveWords }: FinishInputOptions): Promise<void> {
    this.link.current?.sendRealtimeInput({ audioStreamEnd: true });
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
    this.claim.open();
    this.link.close();
  }
}
