import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { MediaStreamPort, StreamHandle } from '../calls/media-port';
import { isId } from '../shared/ids';
import { RateLimitedLog } from '../shared/rate-limited-log';
import type { Logger } from '../shared/logger';
import type { BridgeMetrics } from '../shared/metrics';
import { decodeInbound, type InboundMessage } from '../twilio/media-stream-codec';
import { isValidTwilioSignature, mediaStreamUrl, TWILIO_SIGNATURE_HEADER } from '../twilio/twilio-signature';
import type { MediaSink } from '../twilio/telephony-output';

/** Twilio's messages are well under 1 KB; a start with many parameters stays far below this. */
export const MEDIA_MAX_PAYLOAD_BYTES = 64 * 1024;
/** Messages held while the call's record is read at `start`. */
const MAX_QUEUED_BEFORE_READY = 500;

export const CLOSE_UNSUPPORTED_DATA = 1003;
export const CLOSE_POLICY_VIOLATION = 1008;

export interface MediaSocketOptions {
  /** Where decoded streams go: the calls they belong to. */
  streams: MediaStreamPort;
  authToken: () => string;
  publicUrl: () => string;
  log: Logger;
  metrics: BridgeMetrics;
}

/**
 * `WS /twilio/media`, Twilio's transport and nothing else: checks the upgrade's
 * X-Twilio-Signature, decodes each message and feeds the stream port. Bad messages are dropped
 * with a log line; a binary frame closes with 1003, an oversized one with 1009 (ws enforces
 * maxPayload), and a start the port refuses with 1008.
 */
export class MediaSocketServer {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MEDIA_MAX_PAYLOAD_BYTES,
    perMessageDeflate: false,
  });
  private readonly refusals = new RateLimitedLog(() => this.options.log);

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
    // The raw socket is ws's too: corking it turns a burst of frames into one write.
    this.wss.handleUpgrade(request, socket, head, (ws) => new MediaConnection(ws, socket, this.options));
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
  private stream?: StreamHandle;
  private streamSid?: string;
  private starting = false;
  private readonly queued: InboundMessage[] = [];
  private log: Logger;
  private readonly warnings = new RateLimitedLog(() => this.log);

  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Duplex,
    private readonly options: MediaSocketOptions,
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
        { reason: decoded.reason, detail: decoded.detail, streamSid: this.streamSid },
        'dropped a media-stream message',
      );
      return;
    }
    const message = decoded.message;
    if (message.event === 'connected') return;
    if (message.event === 'start') {
      if (this.stream || this.starting) return this.warnings.warn('second-start', {}, 'dropped a second start message');
      this.starting = true;
      void this.start(message);
      return;
    }
    if (this.stream) {
      if (message.streamSid && message.streamSid !== this.streamSid)
        return this.warnings.warn(
          'unknown-stream-sid',
          { event: message.event },
          'dropped a message for an unknown streamSid',
        );
      this.deliver(this.stream, message);
    } else if (this.starting && this.queued.length < MAX_QUEUED_BEFORE_READY) {
      this.queued.push(message);
    } else {
      this.warnings.warn('before-start', { event: message.event }, 'dropped a message that came before start');
    }
  }

  private deliver(stream: StreamHandle, message: InboundMessage): void {
    switch (message.event) {
      case 'media':
        return stream.media(message.track, message.audio, message.timestampMs);
      case 'mark':
        return stream.mark(message.name);
      case 'dtmf':
        return stream.dtmf(message.digit);
      case 'stop':
        void stream.finish();
        return;
      default:
        this.log.warn({ event: message.event }, 'dropped a second start/connected message');
    }
  }

  private async start(message: Extract<InboundMessage, { event: 'start' }>): Promise<void> {
    const { callId, streamToken } = message.customParameters;
    const { streamSid, callSid } = message;
    const started = await this.options.streams.start(
      { callId, streamToken, streamSid, callSid },
      this.sink(),
      this.options.log,
    );
    if ('refused' in started) {
      this.log.warn(
        { callId: isId('call', callId) ? callId : undefined, streamSid, reason: started.refused },
        'refused a media stream start; closing with 1008',
      );
      this.ws.close(CLOSE_POLICY_VIOLATION, 'stream refused');
      return;
    }
    this.log = this.options.log.child({ callId, streamSid });
    if (this.ws.readyState !== this.ws.OPEN) {
      await started.finish();
      return;
    }
    this.stream = started;
    this.streamSid = streamSid;
    for (const queued of this.queued.splice(0)) this.deliver(started, queued);
  }

  private sink(): MediaSink {
    return {
      send: (message) => {
        if (this.ws.readyState === this.ws.OPEN) this.ws.send(message, { binary: false });
      },
      batch: (run) => {
        this.socket.cork();
        try {
          run();
        } finally {
          this.socket.uncork();
        }
      },
    };
  }

  private onClose(): void {
    this.warnings.flush();
    void this.stream?.finish();
  }
}
