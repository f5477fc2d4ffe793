import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { CallSession } from '../calls/media-stream-session';
import type { CallLifecycle } from '../calls/call-lifecycle';
import type { MediaOutput, ModeHandlerFactory } from '../calls/media-port';
import type { LiveFeed } from '../delivery/live-feed';
import { isId } from '../shared/ids';
import { RateLimitedLog } from '../shared/rate-limited-log';
import type { Logger } from '../shared/logger';
import type { BridgeMetrics } from '../shared/metrics';
import { decodeInbound, MediaStreamEncoder, type InboundMessage } from '../twilio/media-stream-codec';
import { isValidTwilioSignature, mediaStreamUrl, TWILIO_SIGNATURE_HEADER } from '../twilio/twilio-signature';
import type { CallMode } from '../shared/wire-types';

/** Twilio's messages are well under 1 KB; a start with many parameters stays far below this. */
export const MEDIA_MAX_PAYLOAD_BYTES = 64 * 1024;
/** Messages held while the call's record is read at `start`. */
const MAX_QUEUED_BEFORE_READY = 500;

export const CLOSE_UNSUPPORTED_DATA = 1003;
export const CLOSE_POLICY_VIOLATION = 1008;

export interface MediaSocketOptions {
  calls: CallLifecycle;
  handlers: Record<CallMode, ModeHandlerFactory>;
  authToken: () => string;
  publicUrl: () => string;
  log: Logger;
  metrics: BridgeMetrics;
  live?: LiveFeed;
}

/**
 * `WS /twilio/media`: checks the upgrade's X-Twilio-Signature, then runs one connection per
 * stream. Bad messages are dropped with a log line; a binary frame closes with 1003, an
 * oversized one with 1009 (ws enforces maxPayload), and a start for an unknown call with 1008.
 */
export class MediaSocketServer {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MEDIA_MAX_PAYLOAD_BYTES,
    perMessageDeflate: false,
  });
  private readonly refusals = new RateLimitedLog(() => this.options.log);
  readonly sessions = new Set<CallSession>();

  constructor(private readonly options: MediaSocketOptions) {}

  attach(server: Server): void {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(request, socket, head),
    );
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/twilio/media') return refuse(socket, 404, 'Not Found');
    const signature = request.headers[TWILIO_SIGNATURE_HEADER];
    const url = mediaStreamUrl(this.options.publicUrl());
    if (
      !isValidTwilioSignature(this.options.authToken(), typeof signature === 'string' ? signature : undefined, url, {})
    ) {
      this.refusals.warn('signature', { url }, 'refused a media socket with a missing or invalid X-Twilio-Signature');
      return refuse(socket, 403, 'Forbidden');
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => new MediaConnection(ws, this.options, this.sessions));
  }

  /** Ends every stream on this instance (shutdown). */
  async finishAll(): Promise<void> {
    await Promise.all([...this.sessions].map((session) => session.finish()));
  }

  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

class MediaConnection {
  private session?: CallSession;
  private starting = false;
  private readonly queued: InboundMessage[] = [];
  private log: Logger;
  private readonly warnings = new RateLimitedLog(() => this.log);

  constructor(
    private readonly ws: WebSocket,
    private readonly options: MediaSocketOptions,
    private readonly sessions: Set<CallSession>,
  ) {
    this.log = options.log.child({ socket: 'media' });
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', () => this.onClose());
    ws.on('error', (error) => this.log.warn({ err: error }, 'media socket error'));
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.log.warn('binary frame on the media socket; closing with 1003');
      this.ws.close(CLOSE_UNSUPPORTED_DATA, 'binary frames are not part of the protocol');
      return;
    }
    const decoded = decodeInbound(data.toString());
    if (!decoded.ok) {
      this.options.metrics.droppedMessages.inc({ reason: decoded.reason });
      this.warnings.warn(
        decoded.reason,
        { reason: decoded.reason, detail: decoded.detail, streamSid: this.session?.streamSid },
        'dropped a media-stream message',
      );
      return;
    }
    const message = decoded.message;
    if (message.event === 'connected') return;
    if (message.event === 'start') {
      if (this.session || this.starting)
        return this.warnings.warn('second-start', {}, 'dropped a second start message');
      this.starting = true;
      void this.start(message);
      return;
    }
    if (this.session) {
      if (message.streamSid && message.streamSid !== this.session.streamSid) {
        this.warnings.warn(
          'unknown-stream-sid',
          { event: message.event },
          'dropped a message for an unknown streamSid',
        );
        return;
      }
      this.session.handle(message);
    } else if (this.starting && this.queued.length < MAX_QUEUED_BEFORE_READY) {
      this.queued.push(message);
    } else {
      this.warnings.warn('before-start', { event: message.event }, 'dropped a message that came before start');
    }
  }

  private async start(message: Extract<InboundMessage, { event: 'start' }>): Promise<void> {
    const { callId, streamToken } = message.customParameters;
    const claim = await this.options.calls.claimMediaStream(callId, streamToken).catch((error: unknown) => {
      this.log.warn({ err: error }, 'could not read the call at stream start');
      return { refused: 'store unavailable' as const };
    });
    if ('refused' in claim) {
      this.log.warn(
        { callId: isId('call', callId) ? callId : undefined, streamSid: message.streamSid, reason: claim.refused },
        'refused a media stream start; closing with 1008',
      );
      this.ws.close(CLOSE_POLICY_VIOLATION, 'stream refused');
      return;
    }
    const { call } = claim;
    if (this.ws.readyState !== this.ws.OPEN) {
      await this.options.calls.mediaFinished(call.id);
      return;
    }
    this.log = this.options.log.child({ callId: call.id, streamSid: message.streamSid });
    const session = new CallSession(
      call,
      message.streamSid,
      message.callSid,
      this.output(message.streamSid),
      this.options.calls,
      this.options.handlers[call.mode],
      this.log,
      this.options.live,
      this.options.metrics,
    );
    this.session = session;
    this.sessions.add(session);
    this.options.metrics.activeStreams.inc();
    this.log.info({ mode: call.mode }, 'media stream started');
    for (const queued of this.queued.splice(0)) session.handle(queued);
  }

  private output(streamSid: string): MediaOutput {
    const encoder = new MediaStreamEncoder(streamSid);
    const send = (message: string | Buffer) => {
      if (this.ws.readyState === this.ws.OPEN) this.ws.send(message, { binary: false });
    };
    // ws keeps its net.Socket private; corking it turns a burst of frames into one writev.
    const socket = (this.ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    return {
      sendMedia: (frame) => send(encoder.media(frame)),
      sendMark: (name) => send(encoder.mark(name)),
      clear: () => send(encoder.clear()),
      batch: (run) => {
        socket?.cork();
        try {
          run();
        } finally {
          socket?.uncork();
        }
      },
    };
  }

  private onClose(): void {
    this.warnings.flush();
    const session = this.session;
    if (!session) return;
    void session.finish().finally(() => {
      this.sessions.delete(session);
      this.options.metrics.activeStreams.dec();
    });
  }
}
