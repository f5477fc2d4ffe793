import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { signTwilioRequest } from '../twilio/twilio-signature';
import type { CalleeScript } from './callee-script';
import { mulawFrames, SILENT_MULAW_FRAME, speakingTimeMs, tonePcm, voicedMulawFrames } from './speech-synth';
import type { LoadProbe } from './load-probe';
import type { StreamInstruction } from './twiml-reader';

/** What the simulated phone heard and did, for tests and the load test. */
export interface StreamStats {
  framesSent: number;
  agentFramesPlayed: number;
  marksEchoed: number;
  clearsReceived: number;
  /** performance.now() of each `clear` received. */
  clearedAt: number[];
  /** From `start` to the first agent audio frame arriving, in real ms. */
  firstAgentAudioMs: number | null;
  linesSpoken: string[];
  rejectedMessages: number;
}

/** Frames replayed at once after timer jitter; beyond this the simulated clock slips. */
const MAX_CATCH_UP_TICKS = 3;

type PlaybackItem = { kind: 'audio' } | { kind: 'mark'; name: string };

export interface SimulatedStreamOptions {
  instruction: StreamInstruction;
  callSid: string;
  accountSid: string;
  authToken: string;
  script: CalleeScript;
  speed: number;
  /** The simulated callee hangs up (script done or timed hang-up). */
  onCalleeHangup: () => void;
  /** Load testing: counts and times every frame, keyed by the number called. */
  probe?: { probe: LoadProbe; key: string };
}

/** The simulated voices' pitches: the voicemail greeting is recognisably not a person. */
const VOICE_PITCH_HZ = { callee: 140, party: 110, machine: 240 } as const;
const VOICEMAIL_BEEP = mulawFrames(tonePcm(500, 1000));

/** Quiet, never-silent callee audio for load tests: well below the simulated agent's barge-in level. */
const QUIET_FRAMES = voicedMulawFrames(1000, 120, 7, 0.05);

/**
 * The carrier's side of a Media Streams WebSocket, behaving as Twilio does: a signed upgrade,
 * `connected` and `start` (with the <Parameter>s), 20 ms `media` frames on each streamed track,
 * agent audio "played" in real time with `mark`s echoed once the audio before them has played,
 * `clear` honoured (pending marks echoed at once), `dtmf`, and `stop`.
 */
export class SimulatedMediaStream {
  readonly streamSid = `MZ${randomBytes(16).toString('hex')}`;
  readonly stats: StreamStats = {
    framesSent: 0,
    agentFramesPlayed: 0,
    marksEchoed: 0,
    clearsReceived: 0,
    clearedAt: [],
    firstAgentAudioMs: null,
    linesSpoken: [],
    rejectedMessages: 0,
  };
  private ws?: WebSocket;
  private timer?: NodeJS.Timeout;
  private readonly playback: PlaybackItem[] = [];
  private startedAt = 0;
  private ticks = 0;
  private chunk = 0;
  /** Frames the callee (inbound) and the party (outbound track) are saying now. */
  private calleeSpeech: string[] = [];
  private partySpeech: string[] = [];
  private nextLine = 0;
  private nextPartyLine = 0;
  private agentPlayedSinceLine = false;
  private quietTicks = 0;
  private agentTurnTicks = 0;
  /** Silence between lines in a two-party call. */
  private gapTicks = 0;
  private done = false;

  constructor(private readonly options: SimulatedStreamOptions) {}

  private get frameMs(): number {
    return 20 / this.options.speed;
  }

  /** Ticks (20 ms frames) for a real-time duration. */
  private ticksFor(ms: number): number {
    return Math.round(ms / 20);
  }

  open(): Promise<void> {
    const { instruction, authToken } = this.options;
    const ws = new WebSocket(instruction.url, {
      headers: { 'X-Twilio-Signature': signTwilioRequest(authToken, instruction.url, {}) },
    });
    this.ws = ws;
    ws.on('message', (data, isBinary) => this.onMessage(data.toString(), isBinary));
    ws.on('close', () => this.stopTicking());
    return new Promise((resolve, reject) => {
      ws.once('open', () => {
        this.sendStartMessages();
        resolve();
      });
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`media socket refused: HTTP ${res.statusCode}`)));
    });
  }

  private send(message: object): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  private sendStartMessages(): void {
    const { instruction, callSid, accountSid } = this.options;
    const tracks =
      instruction.track === 'both_tracks' ? ['inbound', 'outbound'] : [instruction.track.replace('_track', '')];
    this.send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    this.send({
      event: 'start',
      sequenceNumber: '1',
      start: {
        accountSid,
        streamSid: this.streamSid,
        callSid,
        tracks,
        customParameters: instruction.parameters,
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
      streamSid: this.streamSid,
    });
    this.startedAt = performance.now();
    this.timer = setInterval(() => this.catchUp(), Math.max(1, this.frameMs));
  }

  /**
   * Runs the 20 ms frames that are due, so ordinary timer jitter neither drops nor bunches audio.
   * After a longer stall the clock slips instead: replaying a backlog in a burst would "play"
   * agent audio that could not have arrived yet and hear silence that never was.
   */
  private catchUp(): void {
    let due = Math.floor((performance.now() - this.startedAt) / this.frameMs);
    if (due - this.ticks > MAX_CATCH_UP_TICKS) {
      this.startedAt += (due - this.ticks - MAX_CATCH_UP_TICKS) * this.frameMs;
      due = this.ticks + MAX_CATCH_UP_TICKS;
    }
    while (this.ticks < due && !this.done) this.tick();
  }

  private tick(): void {
    this.ticks++;
    this.playOneFrame();
    this.script();
    const timestamp = String(this.chunk * 20);
    this.chunk++;
    const speaking = this.calleeSpeech.length > 0;
    if (this.options.probe) {
      this.options.probe.probe.calleeFrameSent(this.options.probe.key);
      this.sendMedia('inbound', QUIET_FRAMES[this.ticks % QUIET_FRAMES.length], timestamp);
      return;
    }
    this.sendMedia('inbound', this.calleeSpeech.shift() ?? SILENT_MULAW_FRAME, timestamp);
    // The agent's turn is judged from the end of what the callee said: audio the callee talked
    // over (barge-in) and silence while they talked do not count.
    if (speaking && this.calleeSpeech.length === 0) this.listenForAgent();
    if (this.options.instruction.track === 'both_tracks')
      this.sendMedia('outbound', this.partySpeech.shift() ?? SILENT_MULAW_FRAME, timestamp);
  }

  private sendMedia(track: string, payload: string, timestamp: string): void {
    this.stats.framesSent++;
    this.send({
      event: 'media',
      sequenceNumber: String(this.stats.framesSent + 1),
      media: { track, chunk: String(this.chunk), timestamp, payload },
      streamSid: this.streamSid,
    });
  }

  private playOneFrame(): void {
    this.echoLeadingMarks();
    if (this.playback[0]?.kind === 'audio') {
      this.playback.shift();
      this.stats.agentFramesPlayed++;
      this.agentPlayedSinceLine = true;
      this.agentTurnTicks++;
      this.quietTicks = 0;
      this.echoLeadingMarks();
    } else {
      this.quietTicks++;
    }
  }

  private echoLeadingMarks(): void {
    while (this.playback[0]?.kind === 'mark') {
      const item = this.playback.shift() as { kind: 'mark'; name: string };
      this.echoMark(item.name);
    }
  }

  private echoMark(name: string): void {
    this.stats.marksEchoed++;
    this.send({
      event: 'mark',
      sequenceNumber: String(this.stats.framesSent + 1),
      streamSid: this.streamSid,
      mark: { name },
    });
  }

  /** The callee's (and party's) side of the conversation. */
  private script(): void {
    const { script, instruction } = this.options;
    const elapsedMs = this.ticks * 20;
    for (const { digit, atMs } of script.digits) {
      if (elapsedMs === Math.round(atMs / 20) * 20)
        this.send({
          event: 'dtmf',
          streamSid: this.streamSid,
          sequenceNumber: String(this.stats.framesSent + 1),
          dtmf: { track: 'inbound_track', digit },
        });
    }
    if (script.hangUpAfterMs !== undefined && elapsedMs >= script.hangUpAfterMs) return this.calleeHangsUp();
    if (script.continuousSpeech || this.calleeSpeech.length > 0 || this.partySpeech.length > 0) return;
    if (instruction.bidirectional) this.agentConversation();
    else this.twoPartyConversation();
  }

  private agentConversation(): void {
    const { lines, voicemail } = this.options.script;
    if (voicemail) {
      // A machine does not wait for anyone: its greeting and beep play as soon as it answers.
      if (this.nextLine === 0) this.say(lines[this.nextLine++].text, 'machine');
      return;
    }
    const agentTurnOver = this.agentPlayedSinceLine && this.quietTicks >= this.ticksFor(700);
    const nobodySpoke = !this.agentPlayedSinceLine && this.quietTicks >= this.ticksFor(4000);
    const line = lines[this.nextLine];
    const bargeIn =
      line?.bargeInAfterMs !== undefined &&
      this.agentPlayedSinceLine &&
      this.agentTurnTicks >= this.ticksFor(line.bargeInAfterMs);
    if (line && (agentTurnOver || nobodySpoke || bargeIn)) {
      this.say(line.text, 'callee');
      this.nextLine++;
    } else if (!line && this.options.script.hangUpWhenDone && (agentTurnOver || nobodySpoke)) {
      this.calleeHangsUp();
    }
  }

  private twoPartyConversation(): void {
    const { lines, partyLines, hangUpWhenDone } = this.options.script;
    if (++this.gapTicks < this.ticksFor(400)) return;
    this.gapTicks = 0;
    const partyTurn = this.nextPartyLine <= this.nextLine && this.nextPartyLine < partyLines.length;
    if (partyTurn) this.say(partyLines[this.nextPartyLine++], 'party');
    else if (this.nextLine < lines.length) this.say(lines[this.nextLine++].text, 'callee');
    else if (hangUpWhenDone) this.calleeHangsUp();
  }

  private say(text: string, who: 'callee' | 'party' | 'machine'): void {
    this.stats.linesSpoken.push(`${who}: ${text}`);
    const frames = voicedMulawFrames(speakingTimeMs(text), VOICE_PITCH_HZ[who], this.stats.linesSpoken.length);
    if (who === 'machine') this.calleeSpeech = [...frames, ...VOICEMAIL_BEEP];
    else if (who === 'callee') this.calleeSpeech = frames;
    else this.partySpeech = frames;
    this.listenForAgent();
  }

  private listenForAgent(): void {
    this.agentPlayedSinceLine = false;
    this.agentTurnTicks = 0;
    this.quietTicks = 0;
  }

  private calleeHangsUp(): void {
    if (this.done) return;
    this.done = true;
    this.options.onCalleeHangup();
  }

  private onMessage(text: string, isBinary: boolean): void {
    let message: { event?: string; media?: { payload?: string }; mark?: { name?: string } };
    try {
      message = JSON.parse(text);
    } catch {
      this.stats.rejectedMessages++;
      return;
    }
    if (isBinary || !this.options.instruction.bidirectional) {
      this.stats.rejectedMessages++;
      return;
    }
    switch (message.event) {
      case 'media':
        if (this.stats.firstAgentAudioMs === null) this.stats.firstAgentAudioMs = performance.now() - this.startedAt;
        this.options.probe?.probe.agentFrameReceived(this.options.probe.key);
        this.playback.push({ kind: 'audio' });
        break;
      case 'mark':
        this.playback.push({ kind: 'mark', name: message.mark?.name ?? '' });
        break;
      case 'clear': {
        this.stats.clearsReceived++;
        this.stats.clearedAt.push(performance.now());
        const pending = this.playback.splice(0);
        for (const item of pending) if (item.kind === 'mark') this.echoMark(item.name);
        break;
      }
      default:
        this.stats.rejectedMessages++;
    }
  }

  /** Ends the stream as Twilio does when the call ends: `stop`, then the socket closes. */
  stop(): void {
    this.done = true;
    this.stopTicking();
    this.send({
      event: 'stop',
      sequenceNumber: String(this.stats.framesSent + 2),
      streamSid: this.streamSid,
      stop: { accountSid: this.options.accountSid, callSid: this.options.callSid },
    });
    this.ws?.close(1000);
  }

  private stopTicking(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
