import { agentTwiml, MAX_INLINE_TWIML_CHARS, transcribeTwiml } from '../../../bridge-server/src/twilio/twiml';
import {
  isValidTwilioSignature,
  mediaStreamUrl,
  signTwilioRequest,
} from '../../../bridge-server/src/twilio/twilio-signature';

describe('TwiML and Twilio signatures', () => {
  it('connects agent calls to a bidirectional stream carrying only the call id and its stream token', () => {
    const twiml = agentTwiml('wss://bridge.example.com/twilio/media', { callId: 'call_1', streamToken: 'tok1' });
    expect(twiml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="wss://bridge.example.com/twilio/media">' +
        '<Parameter name="callId" value="call_1"/><Parameter name="streamToken" value="tok1"/></Stream></Connect></Response>',
    );
    expect(twiml.length).toBeLessThan(MAX_INLINE_TWIML_CHARS);
  });

  it('forks both tracks and then dials connectTo in transcribe mode, with an action that hears how the dial ended', () => {
    const twiml = transcribeTwiml(
      'wss://b/twilio/media',
      { callId: 'call_2', streamToken: 'tok2' },
      {
        connectTo: '+15559870000',
        callerId: '+15557650000',
        ringTimeoutSec: 25,
        dialActionUrl: 'https://b/twilio/dial?callId=call_2',
      },
    );
    expect(twiml).toContain(
      '<Start><Stream url="wss://b/twilio/media" track="both_tracks"><Parameter name="callId" value="call_2"/><Parameter name="streamToken" value="tok2"/></Stream></Start>',
    );
    expect(twiml).toContain(
      '<Dial callerId="+15557650000" timeout="25" action="https://b/twilio/dial?callId=call_2" method="POST">+15559870000</Dial>',
    );
  });

  it('derives the media URL from PUBLIC_URL (https -> wss, http -> ws)', () => {
    expect(mediaStreamUrl('https://bridge.example.com')).toBe('wss://bridge.example.com/twilio/media');
    expect(mediaStreamUrl('http://127.0.0.1:8080')).toBe('ws://127.0.0.1:8080/twilio/media');
  });

  it('accepts a signature made with the auth token and rejects a tampered one', () => {
    const url = 'https://bridge.example.com/twilio/status?callId=call_1';
    const form = { CallSid: 'CA1', CallStatus: 'ringing' };
    const signature = signTwilioRequest('token', url, form);
    expect(isValidTwilioSignature('token', signature, url, form)).toBe(true);
    expect(isValidTwilioSignature('token', signature, url, { ...form, CallStatus: 'completed' })).toBe(false);
    expect(isValidTwilioSignature('other', signature, url, form)).toBe(false);
    expect(isValidTwilioSignature('token', undefined, url, form)).toBe(false);
  });
});
