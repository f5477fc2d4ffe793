import type { Session } from '@google/genai';
import { WebSocket } from 'ws';
import { GEMINI_INPUT_MIME_TYPE } from '../audio/inbound-transcoder';

const HEAD = Buffer.from('{"realtimeInput":{"audio":{"data":"');
const TAIL = Buffer.from(`","mimeType":"${GEMINI_INPUT_MIME_TYPE}"}}}`);
/** Base64 of one 20 ms frame at 16 kHz (640 bytes of PCM16): the size every message starts at. */
const FRAME_BASE64_CHARS = Math.ceil(640 / 3) * 4;

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
  private buffer = Buffer.alloc(HEAD.length + FRAME_BASE64_CHARS + TAIL.length);

  send(session: Session, pcm: Buffer): void {
    const socket = socketOf(session);
    const reusable = socket !== undefined && !socket.extensions.includes('permessage-deflate');
    const message = this.encode(pcm, reusable);
    if (socket) socket.send(message, { binary: false, compress: false });
    else session.conn.send(message.toString('latin1'));
  }

  /** The realtimeInput message for 16 kHz PCM16 `pcm`, as UTF-8 bytes. */
  encode(pcm: Buffer, reusable = false): Buffer {
    const size = HEAD.length + Math.ceil(pcm.length / 3) * 4 + TAIL.length;
    if (!reusable) return this.fill(Buffer.allocUnsafe(size), pcm);
    if (size > this.buffer.length) this.buffer = Buffer.alloc(size);
    return this.fill(this.buffer, pcm).subarray(0, size);
  }

  private fill(target: Buffer, pcm: Buffer): Buffer {
    HEAD.copy(target, 0);
    const end = HEAD.length + target.write(pcm.toString('base64'), HEAD.length, 'latin1');
    TAIL.copy(target, end);
    return target;
  }
}
