import { randomBytes } from 'node:crypto';
import { isTerminal, TERMINAL_STATUSES } from '../model/call-record';
import { Latch } from '../shared/latch';
import { callJson, postSignedCallback } from './carrier-requests';
import type { CalleeScript } from './callee-script';
import type { CallSimulation } from './call-simulation';
import { SimulatedMediaStream } from './simulated-media-stream';
import { readStreamInstruction, type StreamInstruction } from './twiml-reader';
import { carryOutRedirect, type SimulatedTransfer, type TransferHost } from './simulated-transfer';

export type SimulatedStatus =
  'queued' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'no-answer' | 'failed' | 'canceled';

export interface SimulatedCallParams {
  accountSid: string;
  authToken: string;
  to: string;
  from: string;
  twiml: string;
  statusCallback?: string;
  statusCallbackEvents: string[];
  amdCallback?: string;
  timeoutSec: number;
  timeLimitSec: number;
  /** Someone called one of the account's numbers (`ringIn`), rather than the API placing the call. */
  inbound?: boolean;
}

/**
 * One simulated phone call: rings, answers (or is busy, unanswered, failed), reports every step
 * to the status callback with a valid X-Twilio-Signature, runs answering-machine detection, opens
 * the media stream, enforces the time limit, and hangs up.
 */
export class SimulatedCall {
  readonly sid = `CA${randomBytes(16).toString('hex')}`;
  status: SimulatedStatus = 'queued';
  stream?: SimulatedMediaStream;
  /** performance.now() when the call ended (for latency measurements). */
  endedAtMs?: number;
  /** When it was answered (epoch ms), the next callback's SequenceNumber, the `<Dial>` action URL until told how the dial ended. */
  private readonly progress = { answeredAt: 0, sequence: 0, dialAction: undefined as string | undefined };
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly done = new Latch();

  constructor(
    readonly params: SimulatedCallParams,
    readonly script: CalleeScript,
    private readonly simulation: CallSimulation,
  ) {}

  /** Transfers the bridge asked for (live-call redirects to `<Dial>`). */
  readonly transfers: SimulatedTransfer[] = [];
  /** What `<Say>` told the person on the line (a refusal of an inbound call). */
  readonly said: string[] = [];

  /** Twilio's call update with new TwiML: what the call was doing stops (its stream too), the TwiML runs. */
  async redirect(twiml: string): Promise<void> {
    this.stream?.stop();
    this.progress.dialAction = undefined;
    const host: TransferHost = {
      sid: this.sid,
      accountSid: this.params.accountSid,
      from: this.params.from,
      scriptFor: (to) => (to ? (this.simulation.scriptFor?.(to) ?? this.script) : this.script),
      after: (ms, action) => this.after(ms, action),
      post: (url, form) => this.post(url, form),
      openStream: (instruction, script) => this.openStream(instruction, script),
      heard: (text) => this.said.push(text),
      end: () => this.end('completed'),
    };
    await carryOutRedirect(host, twiml, this.transfers);
  }

  /** Resolves once the call has ended and its last callback was sent. */
  get finished(): Promise<void> {
    return this.done.opened;
  }

  get ended(): boolean {
    return isTerminal(this.status);
  }

  private after(ms: number, action: () => void | Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      Promise.resolve(action()).catch((error: unknown) =>
        this.simulation.log.warn({ err: error, callSid: this.sid }, 'sandbox carrier step failed'),
      );
    }, ms / this.simulation.speed);
    this.timers.add(timer);
  }

  start(): void {
    this.after(20, async () => {
      await this.report('initiated');
      if (this.script.outcome === 'failed') return this.end('failed');
      this.status = 'ringing';
      await this.report('ringing');
      if (this.script.outcome === 'no-answer' || this.script.ringMs > this.params.timeoutSec * 1000) {
        this.after(this.params.timeoutSec * 1000, () => this.end('no-answer'));
        return;
      }
      this.after(this.script.ringMs, () => (this.script.outcome === 'busy' ? this.end('busy') : this.answer()));
    });
  }

  /**
   * An incoming call to one of the account's numbers: Twilio asks the number's voice URL what to
   * do (a signed webhook, as for every callback), answers, and carries out the TwiML it got.
   */
  async ringIn(voiceUrl: string, callerName?: string): Promise<void> {
    this.status = 'ringing';
    const caller: Record<string, string> = callerName ? { CallerName: callerName } : {};
    const twiml = await this.post(voiceUrl, { ...this.callForm('ringing'), ...caller });
    this.status = 'in-progress';
    this.progress.answeredAt = Date.now();
    this.after(this.params.timeLimitSec * 1000, () => this.end('completed'));
    await this.redirect(twiml);
  }

  private async answer(): Promise<void> {
    if (this.ended) return;
    this.status = 'in-progress';
    this.progress.answeredAt = Date.now();
    await this.report('answered');
    this.after(this.params.timeLimitSec * 1000, () => this.end('completed'));
    if (this.params.amdCallback) this.after(900, () => this.reportAmd());
    const instruction = readStreamInstruction(this.params.twiml);
    if (!instruction) return;
    this.progress.dialAction = instruction.dial ? instruction.dialAction : undefined;
    const partyOutcome = this.script.partyOutcome ?? 'answer';
    // A party who is not reached: the dial ends, its action is told, and its TwiML hangs up.
    if (this.progress.dialAction && partyOutcome !== 'answer')
      this.after(partyOutcome === 'no-answer' ? 2000 : 300, async () => {
        await this.reportDial(partyOutcome);
        await this.end('completed');
      });
    await this.openStream(instruction, this.script);
  }

  private async openStream(instruction: StreamInstruction, script: CalleeScript): Promise<void> {
    if (this.ended) return;
    this.stream = new SimulatedMediaStream({
      instruction,
      callSid: this.sid,
      accountSid: this.params.accountSid,
      authToken: this.params.authToken,
      script,
      speed: this.simulation.speed,
      media: this.simulation.media,
      onCalleeHangup: () => void this.end('completed'),
      // Twilio goes on to the next verb when a <Connect> stream breaks; there is none: it hangs up.
      onBroken: instruction.bidirectional ? () => void this.end('completed') : undefined,
      telemetry: this.simulation.telemetry ? { report: this.simulation.telemetry, key: this.params.to } : undefined,
      recorder: this.simulation.recorder,
    });
    await this.stream.open();
  }

  /** The REST API's update to `completed`/`canceled`, or the callee hanging up. */
  async end(status: SimulatedStatus): Promise<void> {
    if (this.ended) return;
    this.endedAtMs = performance.now();
    const wasAnswered = this.status === 'in-progress';
    this.status = wasAnswered ? 'completed' : status === 'completed' ? 'canceled' : status;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.stream?.stop();
    if (wasAnswered && this.progress.dialAction && (this.script.partyOutcome ?? 'answer') === 'answer')
      await this.reportDial('completed').catch(() => undefined);
    const durationSec = wasAnswered
      ? Math.round(((Date.now() - this.progress.answeredAt) * this.simulation.speed) / 1000)
      : 0;
    // Like Twilio, a status callback nobody takes is logged, not retried: the call has ended anyway.
    await this.report(this.status, { CallDuration: String(durationSec) }).catch((error: unknown) =>
      this.simulation.log.debug({ err: error, callSid: this.sid }, 'final status callback not delivered'),
    );
    this.done.open();
  }

  /** The `<Dial>` action callback, as Twilio posts it when the dial ends. */
  private async reportDial(dialStatus: string): Promise<void> {
    const url = this.progress.dialAction;
    this.progress.dialAction = undefined;
    if (!url) return;
    await this.post(url, {
      CallSid: this.sid,
      AccountSid: this.params.accountSid,
      DialCallStatus: dialStatus,
      DialCallDuration: '0',
    });
  }

  private async reportAmd(): Promise<void> {
    if (this.ended || !this.params.amdCallback) return;
    await this.post(this.params.amdCallback, {
      CallSid: this.sid,
      AccountSid: this.params.accountSid,
      AnsweredBy: this.script.answeredBy,
      MachineDetectionDuration: '900',
    });
  }

  private async report(event: string, extra: Record<string, string> = {}): Promise<void> {
    const callbackEvent = event === 'in-progress' ? 'answered' : event;
    const terminal = (TERMINAL_STATUSES as readonly string[]).includes(event);
    if (!this.params.statusCallback) return;
    if (!terminal && !this.params.statusCallbackEvents.includes(callbackEvent)) return;
    const status = event === 'answered' ? 'in-progress' : event;
    await this.post(this.params.statusCallback, {
      ...this.callForm(status),
      CallbackSource: 'call-progress-events',
      SequenceNumber: String(this.progress.sequence++),
      Timestamp: new Date().toUTCString(),
      ...extra,
    });
  }

  /** What every callback about the call says: which call, between whom, in what state. */
  private callForm(status: string): Record<string, string> {
    const { accountSid: AccountSid, from: From, to: To } = this.params;
    return {
      CallSid: this.sid,
      AccountSid,
      From,
      To,
      CallStatus: status,
      Direction: this.params.inbound ? 'inbound' : 'outbound-api',
      ApiVersion: '2010-04-01',
    };
  }

  private post(url: string, form: Record<string, string>): Promise<string> {
    return postSignedCallback(this.params.authToken, url, form, this.simulation.log);
  }

  toJson(): Record<string, unknown> {
    const { accountSid, to, from } = this.params;
    return callJson({ sid: this.sid, accountSid, to, from, status: this.status, inbound: this.params.inbound });
  }
}
