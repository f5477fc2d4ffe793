import { InboundTranscoder } from '../audio/inbound-transcoder';
import { isVoicedPeak } from '../audio/voice-activity';
import type { AgentConnector } from '../agent/agent-connector';
import { apologyFrames } from '../agent/apology-audio';
import type { GeminiLiveSession } from '../agent/gemini-live-session';
import type { AgentEvent } from '../agent/live-events';
import type { MediaTrack } from '../model/media-track';
import { TelephonyOutput } from '../twilio/telephony-output';
import { AgentActions } from './agent-actions';
import { AgentTranscript } from './agent-transcript';
import type { CallToolbox } from './call-toolbox';
import { nextState, TAKES, type ConversationHappening, type ConversationState } from './conversation-state';
import type { Conversation, ConversationContext } from './media-port';
import { TranscriptWriter } from './transcript-writer';

export interface AgentConversationOptions {
  connector: AgentConnector;
  /** The call's own and MCP tools. */
  toolbox: CallToolbox;
  /** Longest wait at hang-up for the last transcriptions. */
  finishGraceMs?: number;
  /** Longest wait for the goodbye (or apology) to finish playing before hanging up anyway. */
  hangupPlaybackLimitMs?: number;
}

/** Once the callee's last words have started coming, this much quiet means they are all in. */
const LAST_WORDS_QUIET_MS = 300;

/**
 * Agent mode: the callee talks with a Gemini Live voice agent. Callee frames go to Gemini as
 * 16 kHz PCM; the agent's audio goes to the phone through the telephony output; `interrupted`
 * clears Twilio's buffer at once (barge-in); the transcript records only what the callee heard;
 * `end_call` hangs up once the goodbye has played, and a lost agent gets a recorded apology.
 * Where the call is in its life is one state (see conversation-state.ts).
 */
export class AgentConversation implements Conversation {
  private state: ConversationState = 'live';
  private readonly inbound = new InboundTranscoder();
  private readonly writer: TranscriptWriter;
  private readonly output: TelephonyOutput;
  private readonly transcript: AgentTranscript;
  private readonly session: GeminiLiveSession;
  private readonly actions: AgentActions;
  /** What a warm transfer's person hears first (the agent's summary). */
  private transferSummary?: string;
  private hangUpTimer?: NodeJS.Timeout;

  constructor(
    private readonly context: ConversationContext,
    private readonly options: AgentConversationOptions,
  ) {
    const now = () => context.elapsedMs();
    this.writer = new TranscriptWriter(context);
    this.output = new TelephonyOutput(context.output, context.streamSid, now, (at) =>
      this.transcript.agentPlaysFrom(at),
    );
    this.transcript = new AgentTranscript(this.writer, this.output, now);
    this.session = options.connector.claim(context.call, context.log, options.toolbox.declared);
    this.actions = new AgentActions({
      session: this.session,
      output: this.output,
      writer: this.writer,
      toolbox: options.toolbox,
      now,
      log: context.log,
      host: {
        endCall: () => this.move('end-call'),
        transfer: (summary) => {
          this.transferSummary = summary;
          return this.move('transfer');
        },
        exitCancelled: () => this.move('end-call-cancelled'),
      },
    });
    this.session.listen((event) => this.onAgentEvent(event));
    const { machineDetection, answeredBy } = context.call;
    if (machineDetection === 'off' || answeredBy === 'human' || answeredBy === 'unknown') this.session.greet();
  }

  personAnswered(): void {
    this.session.greet();
  }

  media(track: MediaTrack, audio: Buffer): void {
    if (track !== 'inbound' || !TAKES[this.state].callerAudio) return;
    const pcm = this.inbound.transcode(audio);
    this.transcript.callerAudio(isVoicedPeak(this.inbound.lastPeak));
    if (pcm.length > 0) this.session.sendAudio(pcm);
  }

  dtmf(digit: string): void {
    if (TAKES[this.state].agentOutput) this.session.sendNote(`(The callee pressed ${digit} on their keypad.)`);
  }

  mark(name: string): void {
    if (!this.output.markEchoed(name) || !this.output.playback.drained) return;
    this.transcript.playedOut();
    const leaving = this.state === 'ending' || this.state === 'transferring';
    if (this.state === 'apologising' || (leaving && this.transcript.agentTurnSent)) this.move('played-out');
  }

  private onAgentEvent(event: AgentEvent): void {
    if (event.type === 'failed') {
      this.context.log.error({ err: event.error }, 'Gemini Live failed; apologising and ending the call');
      this.move('agent-failed');
      return;
    }
    if (event.type === 'caller-words') {
      if (TAKES[this.state].callerWords) this.transcript.callerWords(event.text);
      return;
    }
    if (!TAKES[this.state].agentOutput) return;
    switch (event.type) {
      case 'interrupted':
        return this.bargeIn(performance.now());
      case 'audio':
        this.transcript.agentAudio();
        return this.output.play(event.data);
      case 'agent-words':
        return this.transcript.agentWords(event.text);
      case 'turn-complete':
        if (this.transcript.turnComplete()) this.output.endTurn();
        return;
      case 'tool-call':
        return this.actions.call(event.id, event.name, event.args);
      case 'tool-cancelled':
        return this.actions.cancelled(event.ids);
    }
  }

  private bargeIn(arrivedAt: number): void {
    const heard = this.output.clear();
    this.context.metrics?.bargeInClear.observe((performance.now() - arrivedAt) / 1000);
    this.transcript.cut(heard);
    this.context.log.info({ heardFrames: heard.framesPlayed }, 'barge-in: agent audio cleared');
  }

  /** Takes the table's transition for `happening`, if any, and does what entering it means. */
  private move(happening: ConversationHappening): boolean {
    const from = this.state;
    const to = nextState(from, happening);
    if (!to) return false;
    this.state = to;
    if (to === 'ending' || to === 'transferring') this.ending();
    else if (to === 'transferred') this.handOver();
    else if (to === 'live') this.exitCancelled();
    else if (to === 'apologising') this.apologise();
    else if (to === 'hung-up') this.hangUp(from === 'apologising' ? 'error' : 'agent-hangup');
    return true;
  }

  private ending(): void {
    this.armHangUpDeadline();
    if (this.output.playback.drained && this.transcript.agentDone) this.move('played-out');
  }

  private exitCancelled(): void {
    this.context.log.info('the agent cancelled ending or transferring the call');
    clearTimeout(this.hangUpTimer);
  }

  /** The announcement has played: the transcript so far is final, and Twilio dials the person. */
  private handOver(): void {
    clearTimeout(this.hangUpTimer);
    this.transcript.finalizeAll(this.output.playback.drained ? 'all' : this.output.playback.framesPlayed);
    void this.context.transfer(this.transferSummary);
  }

  /** Gemini is unreachable or gone: keep the transcript, apologise, then hang up with `error`. */
  private apologise(): void {
    this.session.close();
    this.transcript.finalizeAll(this.output.playback.framesPlayed);
    this.output.clear();
    this.output.playFrames(apologyFrames());
    this.armHangUpDeadline();
  }

  private armHangUpDeadline(): void {
    clearTimeout(this.hangUpTimer);
    this.hangUpTimer = setTimeout(() => this.move('hang-up-deadline'), this.options.hangupPlaybackLimitMs ?? 10_000);
  }

  private hangUp(reason: 'error' | 'agent-hangup'): void {
    clearTimeout(this.hangUpTimer);
    // The goodbye has played: store it now rather than after the line drops.
    this.transcript.finalizeAll(this.output.playback.drained ? 'all' : this.output.playback.framesPlayed);
    void this.context.endCall(reason);
  }

  async finish(): Promise<void> {
    clearTimeout(this.hangUpTimer);
    this.actions.finish();
    this.options.toolbox.close();
    if (!this.move('stream-ended')) return this.writer.flushed();
    // The callee may have hung up mid-sentence: wait (bounded) for their last words.
    const endedAt = this.context.elapsedMs();
    if (this.state === 'finishing' && this.transcript.callerSpeakingAt(endedAt))
      await this.session.finishInput({
        limitMs: this.options.finishGraceMs ?? 2000,
        quietMs: LAST_WORDS_QUIET_MS,
        haveWords: this.transcript.callerHasWords,
      });
    this.move('last-words-in');
    // The callee heard the agent only up to the last mark Twilio confirmed.
    this.transcript.finalizeAll(this.transcript.heardOfAgent);
    this.session.close();
    await this.writer.flushed();
  }
}
