import { decodeBase64, decodeInbound, MediaStreamEncoder } from '../../../bridge-server/src/twilio/media-stream-codec';

const AUDIO = Buffer.from(Array.from({ length: 160 }, (_, i) => (i * 37) & 0xff));
const PAYLOAD = AUDIO.toString('base64');
const twilioMedia = (payload = PAYLOAD) =>
  `{"event":"media","sequenceNumber":"3","media":{"track":"inbound","chunk":"1","timestamp":"5","payload":"${payload}"},"streamSid":"MZ18ad3ab5a668481ce02b83e7395059f0"}`;

describe('media-stream codec', () => {
  it("reads a media frame in Twilio's exact shape without JSON.parse, decoding the payload, with the same result as parsing", () => {
    const raw = twilioMedia();
    const fast = decodeInbound(raw);
    const parsed = decodeInbound(` ${raw}`); // a leading space takes the JSON.parse path
    expect(fast).toEqual({
      ok: true,
      message: {
        event: 'media',
        streamSid: 'MZ18ad3ab5a668481ce02b83e7395059f0',
        track: 'inbound',
        timestampMs: 5,
        audio: AUDIO,
      },
    });
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
    const start = decodeInbound(
      JSON.stringify({
        event: 'start',
        sequenceNumber: '1',
        start: {
          accountSid: 'AC1',
          streamSid: 'MZ1',
          callSid: 'CA1',
          tracks: ['inbound', 'outbound'],
          customParameters: { callId: 'call_1', n: 5 },
        },
        streamSid: 'MZ1',
      }),
    );
    expect(start).toEqual({
      ok: true,
      message: {
        event: 'start',
        streamSid: 'MZ1',
        callSid: 'CA1',
        accountSid: 'AC1',
        tracks: ['inbound', 'outbound'],
        customParameters: { callId: 'call_1' },
      },
    });
    expect(decodeInbound('{"event":"mark","streamSid":"MZ1","mark":{"name":"0:5"}}')).toEqual({
      ok: true,
      message: { event: 'mark', streamSid: 'MZ1', name: '0:5' },
    });
    expect(decodeInbound('{"event":"dtmf","streamSid":"MZ1","dtmf":{"track":"inbound_track","digit":"7"}}')).toEqual({
      ok: true,
      message: { event: 'dtmf', streamSid: 'MZ1', digit: '7' },
    });
    expect(decodeInbound('{"event":"stop","streamSid":"MZ1","stop":{"callSid":"CA1"}}')).toEqual({
      ok: true,
      message: { event: 'stop', streamSid: 'MZ1' },
    });
  });

  it('encodes media, mark and clear as Twilio expects, escaping names', () => {
    const encoder = new MediaStreamEncoder('MZ1');
    expect(JSON.parse(encoder.media(AUDIO).toString())).toEqual({
      event: 'media',
      streamSid: 'MZ1',
      media: { payload: PAYLOAD },
    });
    expect(JSON.parse(encoder.media(AUDIO.subarray(0, 7)).toString()).media.payload).toBe(
      AUDIO.subarray(0, 7).toString('base64'),
    );
    expect(JSON.parse(encoder.mark('a"b'))).toEqual({ event: 'mark', streamSid: 'MZ1', mark: { name: 'a"b' } });
    expect(JSON.parse(encoder.clear())).toEqual({ event: 'clear', streamSid: 'MZ1' });
  });

  it('decodes only padded base64, rejecting stray characters and misplaced padding', () => {
    expect(decodeBase64('')).toEqual(Buffer.alloc(0));
    expect(decodeBase64('QUJD')).toEqual(Buffer.from('ABC'));
    expect(decodeBase64('QUI=')).toEqual(Buffer.from('AB'));
    for (const bad of ['QUI', 'QU I=', 'QU=I', 'Q===', '====', 'QUJD\n', 'QU%D', 'QUJDQUI'])
      expect(decodeBase64(bad)).toBeUndefined();
  });

  it('agrees with a strict base64 pattern on thousands of random strings', () => {
    const strict = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
    const alphabet = 'AZaz09+/=== .$%\n';
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    for (let t = 0; t < 20000; t++) {
      let text = '';
      const length = random(5) * 4 + (random(8) === 0 ? random(4) : 0);
      for (let i = 0; i < length; i++)
        text += random(5) === 0 ? alphabet[random(alphabet.length)] : PAYLOAD[random(PAYLOAD.length)];
      expect([text, decodeBase64(text) !== undefined]).toEqual([text, strict.test(text)]);
    }
  });
});
