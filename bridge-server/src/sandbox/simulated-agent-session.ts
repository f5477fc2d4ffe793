import { randomBytes } from 'node:crypto';
import type WebSocket from 'ws';
import type { Logger } from '../shared/logger';
import { DEFAULT_GREETING, fragmentsOf, type AgentScenario } from './agent-scenario';
import { declaredBehaviors, endCallMessage, SimulatedToolUse } from './simulated-tool-use';
import type { FrameTelemetry } from './frame-telemetry';
import { VOICEMAIL_GREETING } from './callee-script';
import { speakContinuously } from './continuous-speech';
import type { SimulatedFamily } from './live-model-rules';
import type { ConversationPosition, SimulatedSessionRecord } from './session-record';
import { BeepWatch, framePitchHz, isVoicedPcm, pcmOfBase64 } from './simulated-hearing';
import { speakingTimeMs, voicedPcm } from './speech-synth';

/** A voice pitched above this is the voicemail greeting's (the sandbox's people speak lower). */
const MACHINE_PITCH_HZ = 190;
const END_OF_SPEECH_MS = 500;
const CHUNK_MS = 100;
const AGENT_AUDIO_MIME = 'audio/pcm;rate=24000';

export interface SimulatedAgentSessionOptions {
  ws: WebSocket;
  family: SimulatedFamily;
  scenario: AgentScenario;
  /** Where the conversation is (kept across resumption). */
  state: ConversationPosition;
  record: SimulatedSessionRecord;
  speed: number;
  log: Logger;
  /** The agent finished a turn: a new resumption handle is due (and any scripted trouble). */
  onTurn: (handle: string) => void;
  telemetry?: { report: FrameTelemetry; key: string };
}

/**
 * One BidiGenerateContent session of the simulated Gemini Live: speaks scripted replies as 24 kHz
 * audio with output transcription, hears the callee by energy, reports input transcription,
 * sends `interrupted` when the callee talks over it, and calls tools on cue.
 */
export class SimulatedAgentSession {
  private speech?: { startedAt: number; lastVoiceAt: number; sent: number; machine: boolean };
  private greeting = DEFAULT_GREETING;
  private readonly beep = new BeepWatch();
  private voicemailLeft = false;
  /** When the current reply will have finished playing at the callee (real time). */
  private speakingUntil = 0;
  private replyTimer?: NodeJS.Timeout;
  private stopSpeaking?: () => void;
  private replyId = 0;
  /** The callee's last transcription piece, held back to arrive after the reply starts. */
  private lateCalleeWords?: string;
  /** The conversation followed (it changes when the caller comes back from a transfer). */
  private scenario: AgentScenario;
  private readonly tools: SimulatedToolUse;

  constructor(private readonly options: SimulatedAgentSessionOptions) {
    this.scenario = options.scenario;
    this.tools = new SimulatedToolUse(options.family, declaredBehaviors(options.record.setup), {
      send: (message) => this.send(message),
      reply: (text, { thenEndCall, then }) => this.reply(text, thenEndCall, -1, then),
      // Still sending a reply: not idle yet; else idle once what was sent has played.
      idleInMs: () => (this.replyTimer ? undefined : Math.max(0, this.speakingUntil - performance.now())),
    });
  }

  get family(): SimulatedFamily {
    return this.options.family;
  }

  private send(message: object): void {
    if (this.options.ws.readyState === this.options.ws.OPEN) this.options.ws.send(JSON.stringify(message));
  }

  handle(message: Record<string, unknown>): void {
    const clientContent = message.clientContent as
      { turns?: { parts?: { text?: string }[] }[]; turnComplete?: boolean } | undefined;
    const realtime = message.realtimeInput as
      { audio?: { data?: string }; audioStreamEnd?: boolean; text?: string } | undefined;
    if (clientContent) {
      const text = (clientContent.turns ?? []).flatMap((t) => t.parts ?? []).map((p) => p.text ?? '');
      // turnComplete: true interrupts whatever the model is saying, unconditionally.
      if (clientContent.turnComplete && performance.now() < this.speakingUntil) this.interrupt();
      this.onText(text.join(''), clientContent.turnComplete === true);
    }
    if (realtime?.text) this.onText(realtime.text, true);
    if (realtime?.audio?.data) this.onAudio(realtime.audio.data);
    if (realtime?.audioStreamEnd) {
      this.options.record.audioStreamEnded = true;
      if (this.speech) this.endOfSpeech(true);
    }
    if (message.toolResponse) this.tools.responses(message.toolResponse, this.options.record.toolResponses);
  }

  private onText(text: string, answerNow: boolean): void {
    this.options.record.textTurns.push(text);
    if (text.startsWith('(The callee pressed') || !answerNow) return;
    const back = this.scenario.afterTransfer;
    if (back && text.startsWith('You tried to transfer')) {
      this.scenario = { ...this.scenario, ...back, toolSteps: [] };
      return this.reply(back.greeting, false);
    }
    if (this.scenario.continuousSpeech) {
      const { ws, speed, telemetry } = this.options;
      this.stopSpeaking = speakContinuously(ws, speed, telemetry);
      return;
    }
    // The greeting is said word for word, quotes and all: everything between the first quote
    // after "exactly:" and the instruction's last one.
    this.greeting = /exactly: "([\s\S]*)"\s*$/.exec(text)?.[1] ?? DEFAULT_GREETING;
    this.reply(this.greeting, false);
  }

  private onAudio(base64: string): void {
    this.options.record.audioChunksReceived++;
    if (this.options.telemetry) return this.options.telemetry.report.calleeAudioReceived(this.options.telemetry.key);
    const pcm = pcmOfBase64(base64);
    const voiced = isVoicedPcm(pcm);
    const now = performance.now();
    if (this.voicemailLeft) return;
    const beep = this.beep.hear(pcm, voiced);
    if (beep === 'beeping') return;
    if (beep === 'over') return this.leaveVoicemail();
    if (voiced) {
      this.speech ??= {
        startedAt: now,
        lastVoiceAt: now,
        sent: 0,
        machine: (framePitchHz(pcm) ?? 0) > MACHINE_PITCH_HZ,
      };
      this.speech.lastVoiceAt = now;
      if (now < this.speakingUntil) this.interrupt();
      this.progressTranscription(now);
    } else if (this.speech && (now - this.speech.lastVoiceAt) * this.options.speed >= END_OF_SPEECH_MS) {
      this.endOfSpeech(false);
    }
  }

  /** What the current speaker is saying: a voicemail greeting, or the callee's next line. */
  private heardLine(): string | undefined {
    return this.speech?.machine ? VOICEMAIL_GREETING : this.scenario.calleeLines[this.options.state.calleeTurn];
  }

  /** The beep after a voicemail greeting: the agent leaves its message and hangs up. */
  private leaveVoicemail(): void {
    this.voicemailLeft = true;
    if (this.speech) this.endOfSpeech(false);
    this.reply(`${this.greeting} Sorry I missed you; please call us back when you have a moment. Goodbye!`, true);
  }

  /** Input transcription arrives while the callee talks, a piece at a time. */
  private progressTranscription(now: number): void {
    const line = this.heardLine();
    if (!line || !this.speech) return;
    const pieces = fragmentsOf(line, Math.max(2, Math.ceil(line.length / 8)));
    const spokenFraction = ((now - this.speech.startedAt) * this.options.speed) / speakingTimeMs(line);
    const due = Math.min(pieces.length - 1, Math.floor(spokenFraction * pieces.length));
    while (this.speech.sent < due)
      this.send({ serverContent: { inputTranscription: { text: pieces[this.speech.sent++] } } });
  }

  private endOfSpeech(hungUp: boolean): void {
    const line = this.heardLine();
    const speech = this.speech;
    this.speech = undefined;
    if (!speech || !line) return;
    const pieces = fragmentsOf(line, Math.max(2, Math.ceil(line.length / 8)));
    // A callee who hung up mid-sentence said only part of the line.
    const spokenFraction = hungUp
      ? ((speech.lastVoiceAt - speech.startedAt) * this.options.speed) / speakingTimeMs(line)
      : 1;
    const said = Math.max(1, Math.min(pieces.length, Math.ceil(spokenFraction * pieces.length)));
    // Input transcription has no guaranteed order: its last piece may come after the reply starts.
    const late = this.scenario.lateCalleeWords && !hungUp && said > speech.sent ? pieces[said - 1] : undefined;
    for (let i = speech.sent; i < (late ? said - 1 : said); i++)
      this.send({ serverContent: { inputTranscription: { text: pieces[i] } } });
    this.lateCalleeWords = late;
    // A machine is not talked back to: the message waits for the beep.
    if (speech.machine) return;
    const reply = this.scenario.replies[this.options.state.calleeTurn];
    const index = this.options.state.calleeTurn++;
    const step = this.tools.stepAfter(this.scenario.toolSteps, index);
    if (hungUp) return;
    if (step) this.tools.take(step);
    else if (reply) this.reply(reply, this.scenario.endCallAfterReply === index, index);
  }

  /** `goAway` with time left, once per conversation: this connection still works until then. */
  private goAwayMidTurn(): void {
    const { state, ws } = this.options;
    if (state.fired.has('goAwayMidTurn')) return;
    state.fired.add('goAwayMidTurn');
    this.send({ goAway: { timeLeft: '10s' } });
    setTimeout(() => ws.close(1000, 'going away'), 10_000 / this.options.speed);
  }

  private interrupt(): void {
    this.options.log.debug('simulated agent interrupted');
    clearTimeout(this.replyTimer);
    this.replyTimer = undefined;
    this.replyId++;
    this.speakingUntil = 0;
    this.options.record.interruptedAt.push(performance.now());
    this.send({ serverContent: { interrupted: true } });
  }

  /** Streams a reply at twice real time: audio chunks, each followed by its transcription. */
  private reply(text: string, thenEndCall: boolean, replyIndex = -1, onSent?: () => void): void {
    const id = ++this.replyId;
    const durationMs = speakingTimeMs(text);
    const pcm = voicedPcm(durationMs, 24000, 190, this.options.state.agentTurns + 3);
    const chunkSamples = (24000 * CHUNK_MS) / 1000;
    const chunks = Math.ceil(pcm.length / chunkSamples);
    const words = fragmentsOf(text, chunks);
    this.speakingUntil = performance.now() + durationMs / this.options.speed;
    let index = 0;
    const next = () => {
      if (id !== this.replyId) return;
      if (index < chunks) {
        const chunk = pcm.subarray(index * chunkSamples, (index + 1) * chunkSamples);
        const data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('base64');
        this.send({ serverContent: { modelTurn: { parts: [{ inlineData: { mimeType: AGENT_AUDIO_MIME, data } }] } } });
        if (words[index]) this.send({ serverContent: { outputTranscription: { text: words[index] } } });
        if (index === 0 && this.lateCalleeWords) {
          this.send({ serverContent: { inputTranscription: { text: this.lateCalleeWords } } });
          this.lateCalleeWords = undefined;
        }
        if (index === 2 && replyIndex === this.scenario.goAwayDuringReply) this.goAwayMidTurn();
        index++;
        this.replyTimer = setTimeout(next, CHUNK_MS / 2 / this.options.speed);
        return;
      }
      this.replyTimer = undefined;
      if (thenEndCall) this.send(endCallMessage());
      onSent?.();
      this.send({ serverContent: { generationComplete: true } });
      this.send({ serverContent: { turnComplete: true } });
      this.options.state.agentTurns++;
      this.options.onTurn(`handle_${randomBytes(8).toString('hex')}`);
    };
    next();
  }

  close(): void {
    this.tools.close();
    clearTimeout(this.replyTimer);
    this.stopSpeaking?.();
    this.replyId++;
  }
}
