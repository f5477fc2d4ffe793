import twilio from 'twilio';
import type VoiceResponse from 'twilio/lib/twiml/VoiceResponse';

/**
 * TwiML for the two call modes, built with the twilio SDK. Only the call id and the call's stream
 * token travel in the TwiML (as <Parameter>s): inline TwiML is capped at 4,000 characters and
 * prompts can be far longer, so the media socket reads the call's settings from the store when
 * the stream starts, and the token proves the stream is the one Twilio opened for this call.
 */

export const MAX_INLINE_TWIML_CHARS = 4000;

/** Names of the <Parameter>s the media stream's `start` message carries back. */
export const STREAM_PARAMETERS = { callId: 'callId', streamToken: 'streamToken' } as const;

export interface StreamBinding {
  callId: string;
  streamToken: string;
}

function addParameters(stream: VoiceResponse.Stream, binding: StreamBinding): void {
  stream.parameter({ name: STREAM_PARAMETERS.callId, value: binding.callId });
  stream.parameter({ name: STREAM_PARAMETERS.streamToken, value: binding.streamToken });
}

export function agentTwiml(mediaStreamUrl: string, binding: StreamBinding): string {
  const response = new twilio.twiml.VoiceResponse();
  addParameters(response.connect().stream({ url: mediaStreamUrl }), binding);
  return response.toString();
}

export function transcribeTwiml(
  mediaStreamUrl: string,
  binding: StreamBinding,
  options: { connectTo: string; callerId: string; ringTimeoutSec: number; dialActionUrl: string },
): string {
  const response = new twilio.twiml.VoiceResponse();
  addParameters(response.start().stream({ url: mediaStreamUrl, track: 'both_tracks' }), binding);
  // The action URL hears how the dial ended: without it, a party who never answered would look
  // like the callee hanging up.
  response.dial(
    { callerId: options.callerId, timeout: options.ringTimeoutSec, action: options.dialActionUrl, method: 'POST' },
    options.connectTo,
  );
  return response.toString();
}

/** What the call does after the dial has ended (the dial action's answer). */
export function hangupTwiml(): string {
  const response = new twilio.twiml.VoiceResponse();
  response.hangup();
  return response.toString();
}

export interface TransferDial {
  to: string;
  callerId: string;
  ringTimeoutSec: number;
  /** Warm transfers: told how the dial ended (the agent comes back if nobody answered). */
  actionUrl?: string;
  /** Warm transfers: fetched when the person answers; its TwiML (the summary) plays to them first. */
  whisperUrl?: string;
}

/** The live call's new TwiML for a transfer: dial the person (`<Number url>` whispers to them first). */
export function transferTwiml(dial: TransferDial): string {
  const response = new twilio.twiml.VoiceResponse();
  const verb = response.dial({
    callerId: dial.callerId,
    timeout: dial.ringTimeoutSec,
    ...(dial.actionUrl ? { action: dial.actionUrl, method: 'POST' } : {}),
  });
  verb.number(dial.whisperUrl ? { url: dial.whisperUrl, method: 'POST' } : {}, dial.to);
  return response.toString();
}

/** What the person taking a warm transfer hears before the caller is connected. */
export function whisperTwiml(summary: string): string {
  const response = new twilio.twiml.VoiceResponse();
  response.say(summary);
  return response.toString();
}

/** An inbound call put through to another number (the caller's own number shows to them). */
export function forwardTwiml(to: string, ringTimeoutSec: number): string {
  const response = new twilio.twiml.VoiceResponse();
  response.dial({ timeout: ringTimeoutSec }).number(to);
  return response.toString();
}

/** An inbound call turned away: the caller hears `message`, then the call ends. */
export function refusalTwiml(message: string): string {
  const response = new twilio.twiml.VoiceResponse();
  response.say(message);
  response.hangup();
  return response.toString();
}
