import type { Session } from '@google/genai';
import { WebSocket } from 'ws';
import { GEMINI_INPUT_MIME_TYPE } from '../audio/inbound-transcoder';
import { base64MessageSize, writeBase64Message } from '../shared/base64-message';

const HEAD = Buffer.from('{"realtimeInput":{"audio":{"data":"');
const TAIL = Buffer.from(`","mimeType":"${GEMINI_INPUT_MIME_TYPE}"}}}`);

/** The `ws` socket under the SDK's connection (what the SDK uses on Node), if it is one. */
function socketOf(session: Session): WebSocket | undefined {
  const socket = (session.conn as { ws?: unknown }).ws;
  return socket instanceof WebSocket ? socket : undefined;
}

/**
 * Sends callee audio on a Gemini Live session, 50 messages a second per call. The message is
 * the exact JSON the SDK's `sendRealtimeInput({ audio: { data, mimeType } })` puts on the wire,
 * but written straight into bytes and sent as one text frame on the session's own socket: no
 * per-message parameter conversion, JSON.stringify, or string-to-bytes copy, and one write
 * instead of a corked header + body. The message buffer is reused unless the socket compresses
 * (a compressing socket may hold on to it).
 */
export class RealtimeAudioSender {
  /** Sized for one 20 ms frame at 16 kHz (640 bytes of PCM16); grows if a larger one comes. */
  private buffer = Buffer.alloc(base64MessageSize(HEAD, 640, TAIL));
  /** What `session` runs on, looked up once per session rather than per frame. */
  private session?: Session;
  private socket?: WebSocket;
  private reusable = false;

  send(session: Session, pcm: Buffer): void {
    if (session !== this.session) {
      this.session = session;
      this.socket = socketOf(session);
      // A socket's extensions are settled by its handshake, before the session exists.
      this.reusable = this.socket !== undefined && !this.socket.extensions.includes('permessage-deflate');
    }
    const message = this.encode(pcm, this.reusable);
    if (this.socket) this.socket.send(message, { binary: false, compress: false });
    else session.conn.send(message.toString('latin1'));
  }

  /** The realtimeInput message for 16 kHz PCM16 `pcm`, as UTF-8 bytes. */
  encode(pcm: Buffer, reusable = false): Buffer {
    if (!reusable) return writeBase64Message(HEAD, pcm, TAIL);
    const size = base64MessageSize(HEAD, pcm.length, TAIL);
    if (size > this.buffer.length) this.buffer = Buffer.alloc(size);
    return writeBase64Message(HEAD, pcm, TAIL, this.buffer);
  }
}
