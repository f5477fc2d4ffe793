import { randomBytes } from 'node:crypto';
import type WebSocket from 'ws';
import type { Logger } from '../shared/logger';
import { DEFAULT_GREETING, fragmentsOf, type AgentScenario } from './agent-scenario';
import type { FrameTelemetry } from './frame-telemetry';
import { VOICEMAIL_GREETING } from './callee-script';
import type { ConversationPosition, SimulatedSessionRecord } from './session-record';
import { framePitchHz, isVoicedPcm, pcmOfBase64, toneShare } from './simulated-hearing';
import { speakingTimeMs, voicedPcm } from './speech-synth';

/** A voice pitched above this is the voicemail greeting's (the sandbox's people speak lower). */
const MACHINE_PITCH_HZ = 190;
const BEEP_HZ = 1000;
const TONE_SHARE = 0.7;
/** 200 ms of the tone make a beep. */
const BEEP_MIN_FRAMES = 10;
const END_OF_SPEECH_MS = 500;
const CHUNK_MS = 100;
const AGENT_AUDIO_MIME = 'audio/pcm;rate=24000';

export interface SimulatedAgentSessionOptions {
  ws: WebSocket;
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
  /** Consecutive 20 ms frames of a steady beep tone. */
  private toneFrames = 0;
  private voicemailLeft = false;
  /** When the current reply will have finished playing at the callee (real time). */
  private speakingUntil = 0;
  private replyTimer?: NodeJS.Timeout;
  private replyId = 0;

  constructor(private readonly options: SimulatedAgentSessionOptions) {}

  private send(message: object): void {
    if (this.options.ws.readyState === this.options.ws.OPEN) this.options.ws.send(JSON.stringify(message));
  }

  handle(message: Record<string, unknown>): void {
    const clientContent = message.clientContent as { turns?: { parts?: { text?: string }[] }[] } | undefined;
    const realtime = message.realtimeInput as { audio?: { data?: string }; audioStreamEnd?: boolean } | undefined;
    const toolResponse = message.toolResponse as { functionResponses?: { id?: string; name?: string }[] } | undefined;
    if (clientContent)
      this.onText(
        clientContent.turns
          ?.flatMap((t) => t.parts ?? [])
          .map((p) => p.text ?? '')
          .join('') ?? '',
      );
    if (realtime?.audio?.data) this.onAudio(realtime.audio.data);
    if (realtime?.audioStreamEnd) {
      this.options.record.audioStreamEnded = true;
      if (this.speech) this.endOfSpeech(true);
    }
    for (const response of toolResponse?.functionResponses ?? [])
      this.options.record.toolResponses.push({ id: response.id ?? '', name: response.name ?? '' });
  }

  private onText(text: string): void {
    this.options.record.textTurns.push(text);
    if (text.startsWith('(The callee pressed')) return;
    if (this.options.scenario.continuousSpeech) return this.speakContinuously();
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
    if (voiced && (this.toneFrames >= BEEP_MIN_FRAMES || toneShare(pcm, BEEP_HZ) > TONE_SHARE)) {
      // The beep, and the ring of its end: nobody is speaking.
      this.toneFrames++;
      return;
    }
    if (this.toneFrames >= BEEP_MIN_FRAMES) return this.leaveVoicemail();
    this.toneFrames = 0;
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
    return this.speech?.machine ? VOICEMAIL_GREETING : this.options.scenario.calleeLines[this.options.state.calleeTurn];
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
    for (let i = speech.sent; i < said; i++) this.send({ serverContent: { inputTranscription: { text: pieces[i] } } });
    // A machine is not talked back to: the message waits for the beep.
    if (speech.machine) return;
    const reply = this.options.scenario.replies[this.options.state.calleeTurn];
    this.options.state.calleeTurn++;
    if (reply && !hungUp)
      this.reply(reply, this.options.scenario.endCallAfterReply === this.options.state.calleeTurn - 1);
  }

  private interrupt(): void {
    this.options.log.debug('simulated agent interrupted');
    clearTimeout(this.replyTimer);
    this.replyId++;
    this.speakingUntil = 0;
    this.options.record.interruptedAt.push(performance.now());
    this.send({ serverContent: { interrupted: true } });
  }

  /** Streams a reply at twice real time: audio chunks, each followed by its transcription. */
  private reply(text: string, thenEndCall: boolean): void {
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
        index++;
        this.replyTimer = setTimeout(next, CHUNK_MS / 2 / this.options.speed);
        return;
      }
      if (thenEndCall)
        this.send({
          toolCall: {
            functionCalls: [
              {
                id: `fc_${randomBytes(4).toString('hex')}`,
                name: 'end_call',
                args: { reason: 'conversation finished' },
              },
            ],
          },
        });
      this.send({ serverContent: { generationComplete: true } });
      this.send({ serverContent: { turnComplete: true } });
      this.options.state.agentTurns++;
      this.options.onTurn(`handle_${randomBytes(8).toString('hex')}`);
    };
    next();
  }

  /** Load testing: 100 ms of 24 kHz audio every 100 ms, until the connection closes. */
  private speakContinuously(): void {
    const chunkSamples = (24000 * CHUNK_MS) / 1000;
    const pcm = voicedPcm(1000, 24000, 190, 5);
    const chunks = Array.from({ length: 10 }, (_, i) => {
      const part = pcm.subarray(i * chunkSamples, (i + 1) * chunkSamples);
      return JSON.stringify({
        serverContent: {
          modelTurn: {
            parts: [
              {
                inlineData: {
                  mimeType: 'audio/pcm;rate=24000',
                  data: Buffer.from(part.buffer, part.byteOffset, part.byteLength).toString('base64'),
                },
              },
            ],
          },
        },
      });
    });
    const started = performance.now();
    let sent = 0;
    const tick = () => {
      // Catch up on the wall clock, so timer drift neither starves nor floods the bridge.
      const due = Math.floor(((performance.now() - started) * this.options.speed) / CHUNK_MS) + 1;
      for (; sent < due && this.options.ws.readyState === this.options.ws.OPEN; sent++) {
        this.options.telemetry?.report.agentAudioSent(this.options.telemetry.key, CHUNK_MS / 20);
        this.options.ws.send(chunks[sent % chunks.length]);
      }
      this.replyTimer = setTimeout(tick, CHUNK_MS / 2 / this.options.speed);
    };
    tick();
  }

  close(): void {
    clearTimeout(this.replyTimer);
    this.replyId++;
  }
}
