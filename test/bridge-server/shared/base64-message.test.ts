import { base64Length, base64MessageSize, writeBase64Message } from '../../../bridge-server/src/shared/base64-message';

const HEAD = Buffer.from('{"media":{"payload":"');
const TAIL = Buffer.from('"}}');

describe('base64 messages', () => {
  it('writes head, base64 and tail into a buffer of exactly that size', () => {
    for (const length of [0, 1, 2, 3, 160, 641]) {
      const data = Buffer.from(Array.from({ length }, (_, i) => (i * 53) & 0xff));
      const message = writeBase64Message(HEAD, data, TAIL);
      expect(message.length).toBe(base64MessageSize(HEAD, length, TAIL));
      expect(JSON.parse(message.toString())).toEqual({ media: { payload: data.toString('base64') } });
      expect(base64Length(length)).toBe(data.toString('base64').length);
    }
  });

  it('writes into a larger buffer given to it and returns just the message', () => {
    const target = Buffer.alloc(100, 0x20);
    const message = writeBase64Message(HEAD, Buffer.from('abc'), TAIL, target);
    expect(message.buffer).toBe(target.buffer);
    expect(message.toString()).toBe('{"media":{"payload":"YWJj"}}');
  });
});
