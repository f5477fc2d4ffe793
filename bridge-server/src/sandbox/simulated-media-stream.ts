import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { signTwilioRequest } from '../twilio/twilio-signature';
import type { CalleeScript } from './callee-script';
import { voicedMulawFrames } from './speech-synth';
import { MediaNetwork, SMOOTH_MEDIA, type MediaConditions } from './media-network';
import type { CallRecorder } from './call-recorder';
import { SimulatedCaller } from './simulated-caller';
import type { FrameTelemetry } from './frame-telemetry';
import type { StreamInstruction } from './twiml-reader';
import { newStreamStats, type StreamStats } from './stream-stats';

/** Frames replayed at once after timer jitter; beyond this the simulated clock slips. */
const MAX_CATCH_UP_TICKS = 3;

type PlaybackItem = { kind: 'audio'; payload: string } | { kind: 'mark'; name: string };

export interface SimulatedStreamOptions {
  instruction: StreamInstruction;
  callSid: string;
  accountSid: string;
  authToken: string;
  script: CalleeScript;
  speed: number;
  /** The simulated callee hangs up (script done or timed hang-up). */
  onCalleeHangup: () => void;
  /** The bridge's side went away without closing the socket (its process died). */
  onBroken?: () => void;
  /** Bursts and gaps on the way to the bridge (default: smooth). */
  media?: MediaConditions;
  /** Load testing: counts and times every frame, keyed by the number called. */
  telemetry?: { report: FrameTelemetry; key: string };
  /** The call is recorded (`Record=true`): each tick's two sides go here. */
  recorder?: CallRecorder;
}

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
  readonly stats: StreamStats;
  private ws?: WebSocket;
  private timer?: NodeJS.Timeout;
  private readonly playback: PlaybackItem[] = [];
  private startedAt = 0;
  private ticks = 0;
  private chunk = 0;
  private done = false;
  private readonly caller: SimulatedCaller;
  private readonly network: MediaNetwork;

  constructor(private readonly options: SimulatedStreamOptions) {
    // Load tests time every frame, so their media is smooth.
    const conditions = options.telemetry ? SMOOTH_MEDIA : (options.media ?? SMOOTH_MEDIA);
    this.network = new MediaNetwork(conditions, (message) => {
      if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(message);
    });
    this.caller = new SimulatedCaller(options.script, options.instruction.bidirectional, {
      dtmf: (digit) => this.emit('dtmf', { dtmf: { track: 'inbound_track', digit } }),
      hangUp: () => this.calleeHangsUp(),
    });
    this.stats = newStreamStats(this.caller);
  }

  private get frameMs(): number {
    return 20 / this.options.speed;
  }

  open(): Promise<void> {
    const { instruction, authToken } = this.options;
    const ws = new WebSocket(instruction.url, {
      headers: { 'X-Twilio-Signature': signTwilioRequest(authToken, instruction.url, {}) },
    });
    this.ws = ws;
    ws.on('message', (data, isBinary) => this.onMessage(data.toString(), isBinary));
    ws.on('close', (code) => {
      this.stopTicking();
      // 1006: the connection dropped with no close frame, as when the bridge's process is killed.
      if (code === 1006 && !this.done) this.options.onBroken?.();
    });
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
    this.network.other(JSON.stringify(message));
  }

  /** A stream message as Twilio numbers and addresses it. */
  private emit(event: string, body: object, sequence = this.stats.framesSent + 1): void {
    this.send({ event, sequenceNumber: String(sequence), streamSid: this.streamSid, ...body });
  }

  private sendStartMessages(): void {
    const { instruction, callSid, accountSid } = this.options;
    const tracks =
      instruction.track === 'both_tracks' ? ['inbound', 'outbound'] : [instruction.track.replace('_track', '')];
    this.send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    const mediaFormat = { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 };
    const { streamSid } = this;
    const customParameters = instruction.parameters;
    this.emit('start', { start: { accountSid, streamSid, callSid, tracks, customParameters, mediaFormat } }, 1);
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
    const played = this.playOneFrame();
    this.caller.act(this.ticks * 20);
    const timestamp = String(this.chunk * 20);
    this.chunk++;
    if (this.options.telemetry) {
      this.options.telemetry.report.calleeFrameSent(this.options.telemetry.key);
      this.sendMedia('inbound', QUIET_FRAMES[this.ticks % QUIET_FRAMES.length], timestamp);
      return;
    }
    const callee = this.caller.inboundFrame();
    this.sendMedia('inbound', callee, timestamp);
    const party = this.options.instruction.track === 'both_tracks' ? this.caller.outboundFrame() : undefined;
    if (party !== undefined) this.sendMedia('outbound', party, timestamp);
    this.options.recorder?.frame(callee, party ?? played);
  }

  private sendMedia(track: string, payload: string, timestamp: string): void {
    const media = { track, chunk: String(this.chunk), timestamp, payload };
    const sequenceNumber = String(this.stats.framesSent + 1);
    const message = JSON.stringify({ event: 'media', sequenceNumber, streamSid: this.streamSid, media });
    if (this.network.media(this.ticks, message)) this.stats.framesSent++;
    else this.stats.framesLost++;
  }

  /** Plays the next 20 ms of the bridge's audio to the callee; resolves to it (undefined: silence). */
  private playOneFrame(): string | undefined {
    this.echoLeadingMarks();
    const item = this.playback[0];
    if (item?.kind === 'audio') {
      this.playback.shift();
      this.stats.agentFramesPlayed++;
      this.stats.agentPlayedAtMs.push(this.ticks * 20);
      this.caller.heard(item.payload);
      this.echoLeadingMarks();
      return item.payload;
    }
    this.caller.heard(undefined);
    return undefined;
  }

  private echoLeadingMarks(): void {
    while (this.playback[0]?.kind === 'mark') {
      const item = this.playback.shift() as { kind: 'mark'; name: string };
      this.echoMark(item.name);
    }
  }

  private echoMark(name: string): void {
    this.stats.marksEchoed++;
    this.emit('mark', { mark: { name } });
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
        this.options.telemetry?.report.agentFrameReceived(this.options.telemetry.key);
        this.playback.push({ kind: 'audio', payload: message.media?.payload ?? '' });
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
    const { accountSid, callSid } = this.options;
    this.emit('stop', { stop: { accountSid, callSid } }, this.stats.framesSent + 2);
    this.ws?.close(1000);
  }

  private stopTicking(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
