import twilio from 'twilio';

/**
 * TwiML for the two call modes, built with the twilio SDK. Only the call id travels in the TwiML
 * (as a <Parameter>): inline TwiML is capped at 4,000 characters and prompts can be far longer,
 * so the media socket reads the call's settings from the store when the stream starts.
 */

export const MAX_INLINE_TWIML_CHARS = 4000;

export function agentTwiml(mediaStreamUrl: string, callId: string): string {
  const response = new twilio.twiml.VoiceResponse();
  const stream = response.connect().stream({ url: mediaStreamUrl });
  stream.parameter({ name: 'callId', value: callId });
  return response.toString();
}

export function transcribeTwiml(mediaStreamUrl: string, callId: string, options: { connectTo: string; callerId: string; ringTimeoutSec: number }): string {
  const response = new twilio.twiml.VoiceResponse();
  const stream = response.start().stream({ url: mediaStreamUrl, track: 'both_tracks' });
  stream.parameter({ name: 'callId', value: callId });
  response.dial({ callerId: options.callerId, timeout: options.ringTimeoutSec }, options.connectTo);
  return response.toString();
}
