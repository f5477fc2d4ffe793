import type { MediaTrack } from '../model/media-track';
import { writeBase64Message } from '../shared/base64-message';

/**
 * Twilio Media Streams messages: typed decoding of what Twilio sends and encoding of what the
 * bridge sends back. No I/O here; the socket handling lives in http/media-socket.ts.
 *
 * Media frames are 50 a second per track, so they take a fast path: Twilio's own serialisation
 * has a fixed shape, and the payload, track and timestamp are read by position without a full
 * JSON.parse. Anything that does not match that shape exactly goes through JSON.parse. Payloads
 * are decoded here, once, and checked by their decoded length rather than a regular expression.
 * Outbound media messages are built as bytes, so the socket writes them without re-encoding.
 */

export type InboundMessage =
  | { event: 'connected'; protocol?: string; version?: string }
  | {
      event: 'start';
      streamSid: string;
      callSid: string;
      accountSid: string;
      tracks: string[];
      customParameters: Record<string, string>;
    }
  /** `audio` is the decoded payload: 8 kHz μ-law bytes. */
  | { event: 'media'; streamSid: string; track: MediaTrack; timestampMs: number; audio: Buffer }
  | { event: 'mark'; streamSid: string; name: string }
  | { event: 'dtmf'; streamSid: string; digit: string }
  | { event: 'stop'; streamSid: string };

export type DecodeFailure = 'invalid-json' | 'unknown-event' | 'malformed' | 'bad-base64';
export type DecodeResult = { ok: true; message: InboundMessage } | { ok: false; reason: DecodeFailure; detail: string };

/**
 * Decodes padded base64, or returns undefined when `text` is not base64. Node's decoder skips
 * characters outside the alphabet and stops at misplaced padding, so a string is valid exactly
 * when it decodes to the full length its size promises (the URL-safe alphabet is accepted too).
 */
export function decodeBase64(text: string): Buffer | undefined {
  if (text.length & 3) return undefined;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === (text.length >> 2) * 3 - padding ? bytes : undefined;
}

const failure = (reason: DecodeFailure, detail: string): DecodeResult => ({ ok: false, reason, detail });

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Track names: Twilio says `inbound`/`outbound` in media and `inbound_track` in dtmf. */
function track(value: unknown): MediaTrack | undefined {
  if (value === 'inbound' || value === 'inbound_track') return 'inbound';
  if (value === 'outbound' || value === 'outbound_track') return 'outbound';
  return undefined;
}

const MEDIA_HEAD = '{"event":"media",';

/**
 * Reads `"name":"value"` starting the search at `from`; returns the value's [start, end) or
 * undefined. Safe for Twilio's fields, whose values never contain quotes or backslashes.
 */
function quotedField(raw: string, name: string, from: number): [number, number] | undefined {
  const key = raw.indexOf(`"${name}":"`, from);
  if (key < 0) return undefined;
  const start = key + name.length + 4;
  const end = raw.indexOf('"', start);
  return end < 0 ? undefined : [start, end];
}

function decodeMediaFast(raw: string): DecodeResult | undefined {
  if (!raw.startsWith(MEDIA_HEAD) || raw.includes('\\')) return undefined;
  const mediaKey = raw.indexOf('"media":{', MEDIA_HEAD.length);
  if (mediaKey < 0) return undefined;
  const trackAt = quotedField(raw, 'track', mediaKey);
  const stampAt = quotedField(raw, 'timestamp', mediaKey);
  const payloadAt = quotedField(raw, 'payload', mediaKey);
  const sidAt = quotedField(raw, 'streamSid', MEDIA_HEAD.length);
  if (!trackAt || !stampAt || !payloadAt || !sidAt) return undefined;
  const mediaTrack = track(raw.slice(trackAt[0], trackAt[1]));
  const timestampMs = Number(raw.slice(stampAt[0], stampAt[1]));
  if (!mediaTrack || !Number.isFinite(timestampMs)) return undefined;
  const audio = decodeBase64(raw.slice(payloadAt[0], payloadAt[1]));
  if (!audio) return failure('bad-base64', 'media payload is not valid base64');
  return {
    ok: true,
    message: { event: 'media', streamSid: raw.slice(sidAt[0], sidAt[1]), track: mediaTrack, timestampMs, audio },
  };
}

function decodeParsed(msg: Record<string, unknown>): DecodeResult {
  const streamSid = text(msg.streamSid) ?? '';
  switch (msg.event) {
    case 'connected':
      return { ok: true, message: { event: 'connected', protocol: text(msg.protocol), version: text(msg.version) } };
    case 'start': {
      const start = record(msg.start);
      const sid = streamSid || text(start?.streamSid);
      const callSid = text(start?.callSid);
      if (!start || !sid || !callSid) return failure('malformed', 'start without streamSid or callSid');
      const params = record(start.customParameters) ?? {};
      const customParameters: Record<string, string> = {};
      for (const [key, value] of Object.entries(params)) if (typeof value === 'string') customParameters[key] = value;
      const tracks = Array.isArray(start.tracks) ? start.tracks.filter((t): t is string => typeof t === 'string') : [];
      return {
        ok: true,
        message: {
          event: 'start',
          streamSid: sid,
          callSid,
          accountSid: text(start.accountSid) ?? '',
          tracks,
          customParameters,
        },
      };
    }
    case 'media': {
      const media = record(msg.media);
      const mediaTrack = track(media?.track ?? 'inbound');
      const payload = media?.payload;
      if (!media || !mediaTrack || typeof payload !== 'string') return failure('malformed', 'media without a payload');
      const audio = decodeBase64(payload);
      if (!audio) return failure('bad-base64', 'media payload is not valid base64');
      const timestampMs = Number(media.timestamp ?? 0);
      if (!Number.isFinite(timestampMs)) return failure('malformed', 'media timestamp is not a number');
      return { ok: true, message: { event: 'media', streamSid, track: mediaTrack, timestampMs, audio } };
    }
    case 'mark': {
      const name = text(record(msg.mark)?.name);
      return name
        ? { ok: true, message: { event: 'mark', streamSid, name } }
        : failure('malformed', 'mark without a name');
    }
    case 'dtmf': {
      const digit = text(record(msg.dtmf)?.digit);
      return digit
        ? { ok: true, message: { event: 'dtmf', streamSid, digit } }
        : failure('malformed', 'dtmf without a digit');
    }
    case 'stop':
      return { ok: true, message: { event: 'stop', streamSid } };
    default:
      return failure('unknown-event', `unknown event ${JSON.stringify(String(msg.event)).slice(0, 64)}`);
  }
}

export function decodeInbound(raw: string): DecodeResult {
  const fast = decodeMediaFast(raw);
  if (fast) return fast;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return failure('invalid-json', 'message is not valid JSON');
  }
  const msg = record(parsed);
  return msg ? decodeParsed(msg) : failure('malformed', 'message is not a JSON object');
}

const MEDIA_TAIL = Buffer.from('"}}');

/** Builds the bridge's outbound messages for one stream; the stream id is escaped once. */
export class MediaStreamEncoder {
  private readonly mediaHead: Buffer;
  private readonly markHead: string;
  private readonly clearMessage: string;

  constructor(streamSid: string) {
    const sid = JSON.stringify(streamSid);
    this.mediaHead = Buffer.from(`{"event":"media","streamSid":${sid},"media":{"payload":"`);
    this.markHead = `{"event":"mark","streamSid":${sid},"mark":{"name":`;
    this.clearMessage = `{"event":"clear","streamSid":${sid}}`;
  }

  /**
   * A media message for μ-law `audio`, as UTF-8 bytes in a buffer of its own (the socket may
   * hold on to it until written); base64 needs no escaping.
   */
  media(audio: Buffer): Buffer {
    return writeBase64Message(this.mediaHead, audio, MEDIA_TAIL);
  }

  mark(name: string): string {
    return `${this.markHead}${JSON.stringify(name)}}}`;
  }

  clear(): string {
    return this.clearMessage;
  }
}
