import { decodeInbound, isValidBase64, MediaStreamEncoder } from '../../../bridge-server/src/twilio/media-stream-codec';

const PAYLOAD = Buffer.alloc(160, 0xff).toString('base64');
const twilioMedia = (payload = PAYLOAD) =>
  `{"event":"media","sequenceNumber":"3","media":{"track":"inbound","chunk":"1","timestamp":"5","payload":"${payload}"},"streamSid":"MZ18ad3ab5a668481ce02b83e7395059f0"}`;

describe('media-stream codec', () => {
  it('reads a media frame in Twilio\'s exact shape without JSON.parse, with the same result as parsing', () => {
    const raw = twilioMedia();
    const fast = decodeInbound(raw);
    const parsed = decodeInbound(` ${raw}`); // a leading space takes the JSON.parse path
    expect(fast).toEqual({ ok: true, message: { event: 'media', streamSid: 'MZ18ad3ab5a668481ce02b83e7395059f0', track: 'inbound', timestampMs: 5, payload: PAYLOAD } });
    expect(parsed).toEqual(fast);
  });

  it('drops a media frame whose payload is not base64', () => {
    expect(decodeInbound(twilioMedia('%%%'))).toMatchObject({ ok: false, reason: 'bad-base64' });
    expect(decodeInbound(` ${twilioMedia('abc')}`)).toMatchObject({ ok: false, reason: 'bad-base64' });
  });

  it('rejects invalid JSON, unknown events and non-objects with a reason', () => {
    expect(decodeInbound('{"event":')).toMatchObject({ ok: false, reason: 'invalid-json' });
    expect(decodeInbound('{"event":"dance"}')).toMatchObject({ ok: false, reason: 'unknown-event' });
    expect(decodeInbound('[1,2]')).toMatchObject({ ok: false, reason: 'malformed' });
    expect(decodeInbound('{"event":"mark","streamSid":"MZ1"}')).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('decodes start with its custom parameters, and mark, dtmf and stop', () => {
    const start = decodeInbound(JSON.stringify({ event: 'start', sequenceNumber: '1', start: { accountSid: 'AC1', streamSid: 'MZ1', callSid: 'CA1', tracks: ['inbound', 'outbound'], customParameters: { callId: 'call_1', n: 5 } }, streamSid: 'MZ1' }));
    expect(start).toEqual({ ok: true, message: { event: 'start', streamSid: 'MZ1', callSid: 'CA1', accountSid: 'AC1', tracks: ['inbound', 'outbound'], customParameters: { callId: 'call_1' } } });
    expect(decodeInbound('{"event":"mark","streamSid":"MZ1","mark":{"name":"0:5"}}')).toEqual({ ok: true, message: { event: 'mark', streamSid: 'MZ1', name: '0:5' } });
    expect(decodeInbound('{"event":"dtmf","streamSid":"MZ1","dtmf":{"track":"inbound_track","digit":"7"}}')).toEqual({ ok: true, message: { event: 'dtmf', streamSid: 'MZ1', digit: '7' } });
    expect(decodeInbound('{"event":"stop","streamSid":"MZ1","stop":{"callSid":"CA1"}}')).toEqual({ ok: true, message: { event: 'stop', streamSid: 'MZ1' } });
  });

  it('encodes media, mark and clear as Twilio expects, escaping names', () => {
    const encoder = new MediaStreamEncoder('MZ1');
    expect(JSON.parse(encoder.media(PAYLOAD))).toEqual({ event: 'media', streamSid: 'MZ1', media: { payload: PAYLOAD } });
    expect(JSON.parse(encoder.mark('a"b'))).toEqual({ event: 'mark', streamSid: 'MZ1', mark: { name: 'a"b' } });
    expect(JSON.parse(encoder.clear())).toEqual({ event: 'clear', streamSid: 'MZ1' });
  });

  it('accepts only canonical base64', () => {
    expect(isValidBase64('')).toBe(true);
    expect(isValidBase64('QUJD')).toBe(true);
    expect(isValidBase64('QUI=')).toBe(true);
    expect(isValidBase64('QUI')).toBe(false);
    expect(isValidBase64('QU I=')).toBe(false);
  });
});
