import type { CalleeScript } from './callee-script';
import { SimulatedIvr } from './simulated-ivr';
import { mulawFrames, SILENT_MULAW_FRAME, speakingTimeMs, tonePcm, voicedMulawFrames } from './speech-synth';

/** The simulated voices' pitches: the voicemail greeting is recognisably not a person. */
const VOICE_PITCH_HZ = { callee: 140, party: 110, machine: 240 } as const;
const VOICEMAIL_BEEP = mulawFrames(tonePcm(500, 1000));

/** Ticks (20 ms frames) for a real-time duration. */
const ticksFor = (ms: number): number => Math.round(ms / 20);

export interface CallerActions {
  dtmf(digit: string): void;
  hangUp(): void;
}

/**
 * The people on a simulated call, frame by frame: the callee following its script (answering
 * the agent once it has finished a turn, barging in, pressing keys, hanging up), or, on a
 * two-party call, the callee and the party taking turns. It hears only what the phone played.
 */
export class SimulatedCaller {
  /** Everything said, as `who: text`, in order. */
  readonly linesSpoken: string[] = [];
  /** Frames the callee (inbound) and the party (outbound track) are saying now. */
  private calleeSpeech: string[] = [];
  private partySpeech: string[] = [];
  private nextLine = 0;
  private nextPartyLine = 0;
  /** What the callee has heard since their last line: agent audio, and for how long quiet / talking. */
  private readonly since = { agentPlayed: false, quietTicks: 0, agentTurnTicks: 0 };
  /** A phone menu answering instead of a person, until its keys are pressed. */
  private readonly ivr?: SimulatedIvr;
  /** Silence between lines in a two-party call. */
  private gapTicks = 0;

  constructor(
    private readonly script: CalleeScript,
    /** An agent call (the callee talks with the agent) rather than a two-party one. */
    private readonly withAgent: boolean,
    private readonly actions: CallerActions,
  ) {
    if (script.ivr) this.ivr = new SimulatedIvr(script.ivr);
  }

  /** The keys the phone menu has heard (DTMF detected in the played audio). */
  get keysHeard(): string[] {
    return this.ivr?.receiver.keys ?? [];
  }

  /** One 20 ms frame of the phone's playback: agent audio (its payload), or quiet. */
  heard(agentAudio: string | undefined): void {
    if (agentAudio !== undefined) {
      this.ivr?.hear(agentAudio);
      this.since.agentPlayed = true;
      this.since.agentTurnTicks++;
      this.since.quietTicks = 0;
    } else {
      this.since.quietTicks++;
    }
  }

  /** The callee's next frame on the inbound track. */
  inboundFrame(): string {
    const frame = this.calleeSpeech.shift();
    // The agent's turn is judged from the end of what the callee said: audio the callee talked
    // over (barge-in) and silence while they talked do not count.
    if (frame !== undefined && this.calleeSpeech.length === 0) this.listenForAgent();
    return frame ?? SILENT_MULAW_FRAME;
  }

  /** The party's next frame on the outbound track (two-party calls). */
  outboundFrame(): string {
    return this.partySpeech.shift() ?? SILENT_MULAW_FRAME;
  }

  /** What the people do at `elapsedMs` into the stream. */
  act(elapsedMs: number): void {
    const { script } = this;
    for (const { digit, atMs } of script.digits) if (elapsedMs === Math.round(atMs / 20) * 20) this.actions.dtmf(digit);
    if (script.hangUpAfterMs !== undefined && elapsedMs >= script.hangUpAfterMs) return this.actions.hangUp();
    if (script.continuousSpeech || this.calleeSpeech.length > 0 || this.partySpeech.length > 0) return;
    if (this.ivr?.active) this.menu(elapsedMs);
    else if (this.withAgent) this.agentConversation();
    else this.twoPartyConversation();
  }

  private agentConversation(): void {
    const { lines, voicemail } = this.script;
    if (voicemail) {
      // A machine does not wait for anyone: its greeting and beep play as soon as it answers.
      if (this.nextLine === 0) this.say(lines[this.nextLine++].text, 'machine');
      return;
    }
    const agentTurnOver = this.since.agentPlayed && this.since.quietTicks >= ticksFor(700);
    const nobodySpoke = !this.since.agentPlayed && this.since.quietTicks >= ticksFor(4000);
    const line = lines[this.nextLine];
    const bargeIn =
      line?.bargeInAfterMs !== undefined &&
      this.since.agentPlayed &&
      this.since.agentTurnTicks >= ticksFor(line.bargeInAfterMs);
    if (line && (agentTurnOver || nobodySpoke || bargeIn)) {
      this.say(line.text, 'callee');
      this.nextLine++;
    } else if (!line && this.script.hangUpWhenDone && (agentTurnOver || nobodySpoke)) {
      this.actions.hangUp();
    }
  }

  /** The phone menu's turn: its menu, then (once keys are in) the person, or a refusal and a hang-up. */
  private menu(elapsedMs: number): void {
    if (this.ivr!.hangingUp) return this.actions.hangUp();
    const step = this.ivr!.step(elapsedMs);
    if (step) this.say(step, 'callee');
  }

  private twoPartyConversation(): void {
    const { lines, partyLines, hangUpWhenDone } = this.script;
    if (++this.gapTicks < ticksFor(400)) return;
    this.gapTicks = 0;
    const partyTurn = this.nextPartyLine <= this.nextLine && this.nextPartyLine < partyLines.length;
    if (partyTurn) this.say(partyLines[this.nextPartyLine++], 'party');
    else if (this.nextLine < lines.length) this.say(lines[this.nextLine++].text, 'callee');
    else if (hangUpWhenDone) this.actions.hangUp();
  }

  private say(text: string, who: 'callee' | 'party' | 'machine'): void {
    this.linesSpoken.push(`${who}: ${text}`);
    const frames = voicedMulawFrames(speakingTimeMs(text), VOICE_PITCH_HZ[who], this.linesSpoken.length);
    if (who === 'machine') this.calleeSpeech = [...frames, ...VOICEMAIL_BEEP];
    else if (who === 'callee') this.calleeSpeech = frames;
    else this.partySpeech = frames;
    this.listenForAgent();
  }

  private listenForAgent(): void {
    this.since.agentPlayed = false;
    this.since.agentTurnTicks = 0;
    this.since.quietTicks = 0;
  }
}
