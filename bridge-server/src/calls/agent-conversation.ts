import type { LiveServerMessage } from '@google/genai';
import { InboundTranscoder } from '../audio/inbound-transcoder';
import { OutboundFramer } from '../audio/outbound-framer';
import type { MediaContext, ModeHandler } from './media-port';
import type { NewTranscriptEntry } from '../store/call-store';
import type { MediaTrack } from '../model/media-track';
import type { AgentConnector } from '../agent/agent-connector';
import { PlaybackTracker } from '../twilio/playback-tracker';
import { apologyFrames } from '../agent/apology-audio';
import type { LiveConnection, LiveListener } from '../agent/gemini-live-session';
import { END_CALL_TOOL_NAME } from '../agent/live-session-config';
import { AgentUtterance, CalleeUtterance } from './utterances';

export interface AgentHandlerOptions {
  connector: AgentConnector;
  /** Longest wait at hang-up for the last transcriptions. */
  finishGraceMs?: number;
  /** Longest wait for the goodbye (or apology) to finish playing before hanging up anyway. */
  hangupPlaybackLimitMs?: number;
}

/** A frame at or above this peak (about -30 dBFS) counts as the callee speaking. */
const VOICE_PEAK = 1000;
/** Silence that separates two utterances of the callee. */
const UTTERANCE_GAP_MS = 300;
/** Callee audio held while Gemini is still connecting (5 s of 20 ms frames). */
const MAX_HELD_FRAMES = 250;
/** Late output transcription for a finished agent turn is still taken this long. */
const AGENT_TRANSCRIPT_GRACE_MS = 250;

/**
 * Agent mode: the callee talks with a Gemini Live voice agent. Callee frames go to Gemini as
 * 16 kHz PCM; Gemini's 24 kHz audio comes back as 20 ms μ-law frames with marks; `interrupted`
 * clears Twilio's buffer at once (barge-in); transcription fragments become whole utterances
 * that record only what the callee heard; `end_call` hangs up once the goodbye has played.
 */
export class AgentHandler implements ModeHandler, LiveListener {
  private connection?: LiveConnection;
  private readonly held: Buffer[] = [];
  private readonly inbound = new InboundTranscoder();
  private readonly framer = new OutboundFramer();
  private readonly playback = new PlaybackTracker();
  private agent?: AgentUtterance;
  private agentTurnComplete = false;
  private agentFinalizeTimer?: NodeJS.Timeout;
  private callee = new CalleeUtterance();
  private speechStartMs = 0;
  private lastVoiceMs = -Infinity;
  private lastCalleeFragmentAt = 0;
  private hangupRequested: { toolCallId: string } | 'apology' | null = null;
  private hangupTimer?: NodeJS.Timeout;
  private state: 'connecting' | 'live' | 'failed' | 'finishing' | 'finished' = 'connecting';
  private writes: Promise<void> = Promise.resolve();
  private readonly sendFrame = (frame: Buffer): void => {
    const at = this.playback.frameSent(this.context.elapsedMs());
    this.agent?.started(at);
    this.context.output.sendMedia(frame);
  };

  constructor(
    private readonly context: MediaContext,
    private readonly options: AgentHandlerOptions,
  ) {
    options.connector.claim(context.call, context.log).then(
      (connection) => this.connected(connection),
      (error: unknown) => this.failed(error instanceof Error ? error : new Error(String(error))),
    );
  }

  private connected(connection: LiveConnection): void {
    if (this.state !== 'connecting') return connection.close();
    this.connection = connection;
    this.state = 'live';
    for (const chunk of this.held.splice(0)) connection.sendAudio(chunk);
    connection.attach(this);
  }

  media(track: MediaTrack, audio: Buffer, timestampMs: number): void {
    if (track !== 'inbound' || (this.state !== 'live' && this.state !== 'connecting')) return;
    const pcm = this.inbound.transcode(audio);
    if (this.inbound.lastPeak >= VOICE_PEAK) {
      if (timestampMs - this.lastVoiceMs > UTTERANCE_GAP_MS) this.speechStartMs = timestampMs;
      this.lastVoiceMs = timestampMs;
    }
    if (pcm.length === 0) return;
    if (this.connection) this.connection.sendAudio(pcm);
    else if (this.held.push(Buffer.from(pcm)) > MAX_HELD_FRAMES) this.held.shift();
  }

  dtmf(digit: string): void {
    this.connection?.sendText(`(The callee pressed ${digit} on their keypad.)`);
  }

  mark(name: string): void {
    if (!this.playback.markEchoed(name, this.context.elapsedMs()) || !this.playback.drained) return;
    if (this.agentTurnComplete) this.scheduleAgentFinalize();
    if (this.hangupRequested && (this.hangupRequested === 'apology' || this.agentTurnComplete)) this.hangUp();
  }

  message(message: LiveServerMessage): void {
    if (this.state === 'finishing') return this.lateTranscription(message);
    if (this.state !== 'live') return;
    const content = message.serverContent;
    if (content?.interrupted) this.bargeIn(performance.now());
    for (const part of content?.modelTurn?.parts ?? []) {
      if (part.inlineData?.data) this.agentAudio(part.inlineData.data);
    }
    if (content?.outputTranscription?.text) {
      const turn = this.agentTurn();
      turn.add(content.outputTranscription.text, this.playback.framesSent);
      this.context.interim('agent', turn.text, turn.startMs ?? this.context.elapsedMs());
    }
    if (content?.inputTranscription?.text) this.calleeFragment(content.inputTranscription.text);
    if (content?.turnComplete) this.turnComplete();
    for (const call of message.toolCall?.functionCalls ?? []) this.toolCall(call.id ?? '', call.name ?? '');
    const cancelled = message.toolCallCancellation?.ids ?? [];
    if (
      this.hangupRequested &&
      this.hangupRequested !== 'apology' &&
      cancelled.includes(this.hangupRequested.toolCallId)
    ) {
      this.context.log.info('end_call was cancelled');
      this.hangupRequested = null;
      clearTimeout(this.hangupTimer);
    }
  }

  private agentTurn(): AgentUtterance {
    if (!this.agent) {
      this.finalizeCallee();
      this.agent = new AgentUtterance();
      this.agentTurnComplete = false;
    }
    return this.agent;
  }

  private agentAudio(data: string): void {
    this.agentTurn();
    // One Gemini chunk is several 20 ms frames (and now and then a mark): one write to Twilio.
    this.context.output.batch(() => {
      this.framer.push(data, this.sendFrame);
      if (this.playback.markDue) this.context.output.sendMark(this.playback.nextMark());
    });
  }

  private bargeIn(arrivedAt: number): void {
    // Clear first: every millisecond here is agent audio the callee hears over themselves.
    this.context.output.clear();
    this.context.metrics?.bargeInClear.observe((performance.now() - arrivedAt) / 1000);
    this.framer.reset();
    const now = this.context.elapsedMs();
    const utterance = this.agent;
    if (utterance) utterance.endMs = this.playback.lastPlayedMs;
    const heard = this.playback.framesPlayed;
    this.playback.newTurn(now, true);
    this.agent = undefined;
    clearTimeout(this.agentFinalizeTimer);
    if (utterance) this.store(utterance.toEntry(heard, now));
    this.context.log.info({ heardFrames: heard }, 'barge-in: agent audio cleared');
  }

  private turnComplete(): void {
    this.framer.flush(this.sendFrame);
    if (!this.agent) return;
    this.context.output.sendMark(this.playback.nextMark());
    this.agentTurnComplete = true;
  }

  /** The turn has played out; take late transcription for a moment, then store it. */
  private scheduleAgentFinalize(): void {
    const utterance = this.agent;
    if (!utterance) return;
    clearTimeout(this.agentFinalizeTimer);
    this.agentFinalizeTimer = setTimeout(() => {
      if (this.agent !== utterance) return;
      utterance.endMs = this.playback.lastPlayedMs;
      this.agent = undefined;
      this.playback.newTurn(this.context.elapsedMs(), false);
      this.store(utterance.toEntry('all', this.context.elapsedMs()));
    }, AGENT_TRANSCRIPT_GRACE_MS);
  }

  private finalizeCallee(): void {
    if (this.callee.isEmpty) return;
    const entry = this.callee.toEntry(this.lastVoiceMs);
    this.callee = new CalleeUtterance();
    this.store(entry);
  }

  private toolCall(id: string, name: string): void {
    if (name !== END_CALL_TOOL_NAME) {
      this.connection?.sendToolResponse(id, name, { error: `Unknown tool ${name}.` });
      return;
    }
    this.context.log.info('agent asked to end the call');
    this.connection?.sendToolResponse(id, name, { result: 'The call will end once your goodbye has played.' });
    this.hangupRequested = { toolCallId: id };
    this.armHangupTimer();
    if (this.playback.drained && (this.agentTurnComplete || !this.agent)) this.hangUp();
  }

  private armHangupTimer(): void {
    clearTimeout(this.hangupTimer);
    this.hangupTimer = setTimeout(() => this.hangUp(), this.options.hangupPlaybackLimitMs ?? 10_000);
  }

  private hangUp(): void {
    clearTimeout(this.hangupTimer);
    const reason = this.hangupRequested === 'apology' ? 'error' : 'agent-hangup';
    if (!this.hangupRequested) return;
    this.hangupRequested = null;
    // The goodbye has played: store it now rather than after the line drops.
    this.finalizeAll(this.playback.drained ? 'all' : this.playback.framesPlayed);
    void this.context.endCall(reason);
  }

  /** Gemini is unreachable or gone: keep the transcript, apologise, hang up with `error`. */
  failed(error: Error): void {
    if (this.state === 'failed' || this.state === 'finished') return;
    this.context.log.error({ err: error }, 'Gemini Live failed; apologising and ending the call');
    this.state = 'failed';
    this.connection?.close();
    this.finalizeAll(this.playback.framesPlayed);
    this.context.output.clear();
    this.playback.newTurn(this.context.elapsedMs(), true);
    for (const frame of apologyFrames()) this.sendFrame(frame);
    this.context.output.sendMark(this.playback.nextMark());
    this.hangupRequested = 'apology';
    this.armHangupTimer();
  }

  private finalizeAll(heardFrames: number | 'all'): void {
    clearTimeout(this.agentFinalizeTimer);
    const utterance = this.agent;
    this.agent = undefined;
    if (utterance) {
      utterance.endMs = this.playback.lastPlayedMs;
      this.store(utterance.toEntry(heardFrames, this.context.elapsedMs()));
    }
    this.finalizeCallee();
  }

  private store(entry: NewTranscriptEntry | undefined): void {
    if (!entry) return;
    this.writes = this.writes
      .then(() => this.context.addTranscript([entry]))
      .catch((error: unknown) => this.context.log.error({ err: error }, 'could not store a transcript entry'));
  }

  /** After the stream ended only the callee's last words matter; no more audio or tools. */
  private lateTranscription(message: LiveServerMessage): void {
    const text = message.serverContent?.inputTranscription?.text;
    if (text) this.calleeFragment(text);
  }

  private calleeFragment(text: string): void {
    const now = this.context.elapsedMs();
    this.lastCalleeFragmentAt = now;
    this.callee.add(text, this.speechStartMs, now);
    this.context.interim('callee', this.callee.text, this.callee.startMs ?? now);
  }

  async finish(): Promise<void> {
    const wasLive = this.state === 'live';
    this.state = 'finished';
    clearTimeout(this.hangupTimer);
    this.hangupRequested = null;
    if (wasLive && this.connection) await this.awaitLastTranscription(this.connection);
    // The callee heard the agent only up to the last mark Twilio confirmed.
    this.finalizeAll(this.agentTurnComplete && this.playback.drained ? 'all' : this.playback.framesPlayed);
    this.connection?.close();
    await this.writes;
  }

  /**
   * The callee may have hung up mid-sentence: tell Gemini the audio has ended so it transcribes
   * what it has, and wait (bounded) until fragments stop arriving.
   */
  private async awaitLastTranscription(connection: LiveConnection): Promise<void> {
    const endAt = this.context.elapsedMs();
    const calleeWasSpeaking = endAt - this.lastVoiceMs < 2000 || !this.callee.isEmpty;
    if (!calleeWasSpeaking) return;
    this.state = 'finishing';
    connection.endAudio();
    const limit = this.options.finishGraceMs ?? 2000;
    while (this.context.elapsedMs() - endAt < limit) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const quietFor = this.context.elapsedMs() - Math.max(this.lastCalleeFragmentAt, endAt);
      if (!this.callee.isEmpty && quietFor >= 300) break;
    }
    this.state = 'finished';
  }
}
