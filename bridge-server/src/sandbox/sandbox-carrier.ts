import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../shared/logger';
import { callerScript, scriptForNumber, type CalleeScript } from './callee-script';
import { accountReply, accountSidOf } from './carrier-account';
import { CarrierRecordings } from './carrier-recordings';
import { CallRecorder } from './call-recorder';
import type { FrameTelemetry } from './frame-telemetry';
import type { MediaConditions } from './media-network';
import { SimulatedCall, type SimulatedCallParams } from './simulated-call';

/** Twilio's magic test number, the sandbox's default caller id. */
export const SANDBOX_FROM_NUMBER = '+15005550006';

const CALLS_PATH = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Calls(?:\/(CA[0-9a-f]{32}))?\.json$/;

export interface SandboxCarrierOptions {
  log: Logger;
  /** 1 = real time; tests run calls faster. */
  speed?: number;
  accountSid?: string;
  authToken?: string;
  /** Load testing: every stream is timed and counted here. */
  telemetry?: FrameTelemetry;
  /** Script for numbers without one of their own (default: by the last four digits). */
  defaultScript?: (to: string) => CalleeScript;
  /** Bursts and gaps in the media sent to the bridge. */
  media?: MediaConditions;
}

/**
 * A fake of Twilio's Calls REST resource on loopback, for the real twilio SDK to call
 * (`client.api.baseUrl`). Each created call is then played out by a SimulatedCall.
 */
export class SandboxCarrier {
  readonly accountSid: string;
  readonly authToken: string;
  readonly calls = new Map<string, SimulatedCall>();
  /** Scripts for particular numbers; others follow `scriptForNumber`. */
  readonly scripts = new Map<string, CalleeScript>();
  speed: number;
  /** The account's incoming numbers (what a from-number must be). */
  readonly ownedNumbers = new Set([SANDBOX_FROM_NUMBER]);
  /** When each call was created through the REST API (epoch ms), for pacing measurements. */
  readonly dialled: number[] = [];
  /** Requests answered 429 (Twilio's rate limit) before the carrier takes calls again. */
  rateLimitedRequests = 0;
  /** Recorded calls' media, as Twilio keeps and serves them. */
  readonly recordings: CarrierRecordings;
  private readonly server: Server;
  private readonly log: Logger;

  constructor(private readonly options: SandboxCarrierOptions) {
    this.log = options.log.child({ component: 'sandbox-carrier' });
    this.speed = options.speed ?? 1;
    this.accountSid = options.accountSid ?? `AC${randomBytes(16).toString('hex')}`;
    this.authToken = options.authToken ?? randomBytes(16).toString('hex');
    this.recordings = new CarrierRecordings(
      { sid: this.accountSid, authToken: this.authToken, baseUrl: () => this.url },
      this.log,
    );
    this.server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        this.log.error({ err: error }, 'sandbox carrier request failed');
        reply(res, 500, { code: 20500, message: 'Internal Server Error', status: 500 });
      });
    });
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, host, resolve));
    return this.url;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const [path, query = ''] = (req.url ?? '').split('?');
    if (this.recordings.serve(req, res, path, (accountSid) => this.authorized(req, accountSid))) return;
    const accountSid = accountSidOf(path);
    if (accountSid && req.method === 'GET') {
      if (!this.authorized(req, accountSid))
        return reply(res, 401, { code: 20003, message: 'Authenticate', status: 401 });
      const answer = accountReply(path, new URLSearchParams(query), this.ownedNumbers);
      return reply(res, answer.status, answer.body);
    }
    const match = CALLS_PATH.exec(path);
    if (!match) return reply(res, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    if (!this.authorized(req, match[1])) return reply(res, 401, { code: 20003, message: 'Authenticate', status: 401 });
    if (this.rateLimitedRequests > 0) {
      this.rateLimitedRequests--;
      return reply(res, 429, { code: 20429, message: 'Too Many Requests', status: 429 });
    }
    const form = new URLSearchParams(await readBody(req));
    const sid = match[2];
    if (!sid && req.method === 'POST') return this.create(form, res);
    const call = sid ? this.calls.get(sid) : undefined;
    if (!call)
      return reply(res, 404, {
        code: 20404,
        message: `The requested resource /Calls/${sid}.json was not found`,
        status: 404,
      });
    if (req.method === 'GET') return reply(res, 200, call.toJson());
    const status = form.get('Status');
    const twiml = form.get('Twiml');
    if (status === 'completed' || status === 'canceled' || twiml) {
      if (call.ended)
        return reply(res, 400, { code: 21220, message: 'Call is not in-progress. Cannot redirect.', status: 400 });
      if (twiml) void call.redirect(twiml).catch((error: unknown) => this.log.warn({ err: error }, 'redirect failed'));
      else await call.end(status as 'completed' | 'canceled');
    }
    return reply(res, 200, call.toJson());
  }

  private authorized(req: IncomingMessage, accountSid: string): boolean {
    const expected = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`;
    return accountSid === this.accountSid && req.headers.authorization === expected;
  }

  /**
   * Someone calls one of the account's numbers: like Twilio, the carrier posts the signed voice
   * webhook to `voiceUrl` and carries out the TwiML it answers with (the caller follows the
   * script for their number, or an inbound caller's). Resolves once the webhook has answered.
   */
  async incoming(call: { from: string; to: string; voiceUrl: string; callerName?: string }): Promise<SimulatedCall> {
    const script = this.scripts.get(call.from) ?? callerScript();
    const simulated = this.simulatedCall(
      { to: call.to, from: call.from, twiml: '', statusCallbackEvents: [], inbound: true },
      script,
    );
    await simulated.ringIn(call.voiceUrl, call.callerName);
    return simulated;
  }

  /** Whoever answers `number`: its own script, else the carrier's default for it. */
  private scriptFor(number: string): CalleeScript {
    return this.scripts.get(number) ?? (this.options.defaultScript ?? scriptForNumber)(number);
  }

  private simulatedCall(
    params: Omit<SimulatedCallParams, 'accountSid' | 'authToken' | 'timeoutSec' | 'timeLimitSec'> &
      Partial<SimulatedCallParams>,
    script: CalleeScript,
    recorder?: CallRecorder,
  ): SimulatedCall {
    const call = new SimulatedCall(
      { accountSid: this.accountSid, authToken: this.authToken, timeoutSec: 60, timeLimitSec: 14400, ...params },
      script,
      {
        speed: this.speed,
        log: this.log,
        telemetry: this.options.telemetry,
        media: this.options.media,
        scriptFor: (number) => this.scriptFor(number),
        recorder,
      },
    );
    this.calls.set(call.sid, call);
    return call;
  }

  private create(form: URLSearchParams, res: ServerResponse): void {
    const to = form.get('To') ?? '';
    const from = form.get('From') ?? '';
    const twiml = form.get('Twiml') ?? '';
    if (!/^\+[1-9]\d{6,14}$/.test(to))
      return reply(res, 400, { code: 21211, message: `Invalid 'To' Phone Number: ${to}`, status: 400 });
    if (!twiml) return reply(res, 400, { code: 21205, message: 'Url or Twiml is required', status: 400 });
    if (twiml.length > 4000)
      return reply(res, 400, { code: 21209, message: 'Twiml exceeds 4000 characters', status: 400 });
    const recorder = form.get('Record') === 'true' && !this.options.telemetry ? new CallRecorder() : undefined;
    const call = this.simulatedCall(
      {
        to,
        from,
        twiml,
        statusCallback: form.get('StatusCallback') ?? undefined,
        statusCallbackEvents: form.getAll('StatusCallbackEvent'),
        amdCallback:
          form.get('MachineDetection') && form.get('AsyncAmd') === 'true'
            ? (form.get('AsyncAmdStatusCallback') ?? undefined)
            : undefined,
        timeoutSec: Number(form.get('Timeout') ?? 60),
        timeLimitSec: Number(form.get('TimeLimit') ?? 14400),
      },
      this.scriptFor(to),
      recorder,
    );
    // Like Twilio, a recorded call that was answered has its recording a moment after it ends.
    if (recorder)
      void call.finished.then(() =>
        call.status === 'completed'
          ? this.recordings.completed(
              { callSid: call.sid, statusCallback: form.get('RecordingStatusCallback') ?? undefined },
              recorder,
            )
          : undefined,
      );
    this.dialled.push(Date.now());
    call.start();
    reply(res, 201, call.toJson());
  }

  async close(): Promise<void> {
    await Promise.all([...this.calls.values()].map((call) => call.end('completed')));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function reply(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}
