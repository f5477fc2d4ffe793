import type { HeardSoFar, TelephonyOutput } from '../twilio/telephony-output';
import type { NewTranscriptEntry } from '../store/call-store';
import type { TranscriptWriter } from './transcript-writer';
import { AgentUtterance, CalleeUtterance } from './utterances';

/** Silence that separates two utterances of the callee. */
const UTTERANCE_GAP_MS = 300;
/** Late output transcription for a finished agent turn is still taken this long. */
const AGENT_TRANSCRIPT_GRACE_MS = 250;
/**
 * Input transcription comes with no guaranteed order: a piece of the callee's utterance may
 * arrive after the agent has begun its reply. For this long after the reply begins, such a
 * piece still joins the utterance it continues (unless the callee's voice came back).
 */
const LATE_CALLEE_WORDS_MS = 500;
/** The callee counts as still speaking at the stream's end when their voice was this recent. */
const STILL_SPEAKING_MS = 2000;

/**
 * The agent call's transcript, turn by turn: the agent's words are kept only as far as the
 * callee heard them (by the telephony output's playback marks), the callee's utterances are
 * timed by their voice on the line, and each utterance is written once it is whole.
 */
export class AgentTranscript {
  private agent?: AgentUtterance;
  /** The agent's latest turn has all been sent. */
  private agentTurnComplete = false;
  private finalizeTimer?: NodeJS.Timeout;
  private callee = new CalleeUtterance();
  /** Stores the callee's utterance once late pieces are no longer expected. */
  private calleeTimer?: NodeJS.Timeout;
  /** When the agent's current turn began (stream clock). */
  private agentStartedMs = Infinity;
  private speechStartMs = 0;
  private lastVoiceMs = -Infinity;

  constructor(
    private readonly writer: TranscriptWriter,
    private readonly output: TelephonyOutput,
    private readonly nowMs: () => number,
  ) {}

  /**
   * One frame of the callee's audio has arrived, voiced or not. Timed on the stream clock, as
   * everything else in this transcript is (media timestamps run on the carrier's clock).
   */
  callerAudio(voiced: boolean): void {
    if (!voiced) return;
    const now = this.nowMs();
    if (now - this.lastVoiceMs > UTTERANCE_GAP_MS) this.speechStartMs = now;
    this.lastVoiceMs = now;
  }

  callerWords(text: string): void {
    // The agent began replying to the pending utterance and the callee's voice came back after
    // that: these words start a new utterance (otherwise they are a late piece of the pending one).
    const pendingStart = this.callee.startMs ?? Infinity;
    if (this.agentStartedMs > pendingStart && this.speechStartMs > this.agentStartedMs) this.finalizeCallee();
    const now = this.nowMs();
    this.callee.add(text, this.speechStartMs, now);
    this.writer.interim('callee', this.callee.text, this.callee.startMs ?? now);
  }

  /** Agent audio arrived: it belongs to the current agent turn, or starts one. */
  agentAudio(): void {
    this.agentTurn();
  }

  /** The first frame of the agent's turn is scheduled to play at `atMs`. */
  agentPlaysFrom(atMs: number): void {
    this.agent?.started(atMs);
  }

  agentWords(text: string): void {
    const turn = this.agentTurn();
    turn.add(text, this.output.playback.framesSent);
    this.writer.interim('agent', turn.text, turn.startMs ?? this.nowMs());
  }

  /** The agent's turn has all been sent; false when there was no turn to complete. */
  turnComplete(): boolean {
    if (!this.agent) return false;
    this.agentTurnComplete = true;
    return true;
  }

  /** The agent has nothing left to say in its current turn. */
  get agentDone(): boolean {
    return this.agentTurnComplete || !this.agent;
  }

  get agentTurnSent(): boolean {
    return this.agentTurnComplete;
  }

  /** Everything sent has played; a completed turn is stored after a moment for late words. */
  playedOut(): void {
    const utterance = this.agent;
    if (!utterance || !this.agentTurnComplete) return;
    clearTimeout(this.finalizeTimer);
    this.finalizeTimer = setTimeout(() => {
      if (this.agent !== utterance || !this.agentTurnComplete) return;
      utterance.endMs = this.output.playback.lastPlayedMs;
      this.agent = undefined;
      this.output.nextTurn();
      this.writeAgent(utterance.toEntry('all', this.nowMs()));
    }, AGENT_TRANSCRIPT_GRACE_MS);
  }

  /** The callee cut the agent off: keep what they heard of the turn. */
  cut(heard: HeardSoFar): void {
    const utterance = this.agent;
    this.agent = undefined;
    clearTimeout(this.finalizeTimer);
    if (!utterance) return;
    utterance.endMs = heard.lastPlayedMs;
    this.writeAgent(utterance.toEntry(heard.framesPlayed, this.nowMs()));
  }

  /** Stores both sides as they stand: the agent's turn up to `heardFrames`. */
  finalizeAll(heardFrames: number | 'all'): void {
    clearTimeout(this.finalizeTimer);
    const utterance = this.agent;
    this.agent = undefined;
    if (utterance) {
      utterance.endMs = this.output.playback.lastPlayedMs;
      this.writeAgent(utterance.toEntry(heardFrames, this.nowMs()));
    }
    this.finalizeCallee();
  }

  /** What of the agent's turn the callee has heard, by the marks: all of it once played out. */
  get heardOfAgent(): number | 'all' {
    return this.agentTurnComplete && this.output.playback.drained ? 'all' : this.output.playback.framesPlayed;
  }

  /** Whether the callee may be mid-sentence at `atMs`. */
  callerSpeakingAt(atMs: number): boolean {
    return atMs - this.lastVoiceMs < STILL_SPEAKING_MS || !this.callee.isEmpty;
  }

  get callerHasWords(): boolean {
    return !this.callee.isEmpty;
  }

  private agentTurn(): AgentUtterance {
    if (this.agent && this.agentTurnComplete) {
      // The model began another turn before the last one played out (a tool's result after
      // "one moment"): it joins the same entry, as a new sentence.
      this.agentTurnComplete = false;
      this.agent.add(' ', this.output.playback.framesSent);
    }
    if (!this.agent) {
      this.agent = new AgentUtterance();
      this.agentTurnComplete = false;
      this.agentStartedMs = this.nowMs();
      clearTimeout(this.calleeTimer);
      if (!this.callee.isEmpty) this.calleeTimer = setTimeout(() => this.finalizeCallee(), LATE_CALLEE_WORDS_MS);
    }
    return this.agent;
  }

  /** Stores an agent entry, after the callee's pending utterance when that began first. */
  private writeAgent(entry: NewTranscriptEntry | undefined): void {
    if (!this.callee.isEmpty && (this.callee.startMs ?? Infinity) <= (entry?.startMs ?? Infinity))
      this.finalizeCallee();
    this.writer.add(entry);
  }

  /** Stores the callee's utterance as it stands. */
  private finalizeCallee(): void {
    clearTimeout(this.calleeTimer);
    if (this.callee.isEmpty) return;
    const entry = this.callee.toEntry(this.lastVoiceMs);
    this.callee = new CalleeUtterance();
    this.writer.add(entry);
  }
}
