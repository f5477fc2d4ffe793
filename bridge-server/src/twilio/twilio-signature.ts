import twilio from 'twilio';

/**
 * X-Twilio-Signature, checked with the SDK's own implementation: HMAC-SHA1 over the full URL
 * Twilio requested plus the sorted POST parameters. The URL is rebuilt from PUBLIC_URL, never
 * from the Host header, so a proxy cannot be talked into vouching for another URL.
 */

export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';

export function isValidTwilioSignature(
  authToken: string,
  signature: string | undefined,
  url: string,
  params: Record<string, string | string[]>,
): boolean {
  if (!signature) return false;
  return twilio.validateRequest(authToken, signature, url, params);
}

export function signTwilioRequest(authToken: string, url: string, params: Record<string, string | string[]>): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}

/** The media stream URL derived from PUBLIC_URL: https -> wss, http -> ws. */
export function mediaStreamUrl(publicUrl: string): string {
  return `${publicUrl.replace(/^http/, 'ws')}/twilio/media`;
}
