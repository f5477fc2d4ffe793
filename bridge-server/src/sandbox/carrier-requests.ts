import type { Logger } from '../shared/logger';
import { signTwilioRequest } from '../twilio/twilio-signature';

/**
 * A signed request from the carrier to one of the bridge's URLs, as Twilio posts them (form
 * body, X-Twilio-Signature over URL and form); resolves to the reply's body (TwiML, for those
 * that answer with it). A refusal is logged and its body returned.
 */
export async function postSignedCallback(
  authToken: string,
  url: string,
  form: Record<string, string>,
  log: Logger,
): Promise<string> {
  const signature = signTwilioRequest(authToken, url, form);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(form).toString(),
  });
  if (!response.ok) log.warn({ url, status: response.status }, 'sandbox carrier callback was refused');
  return response.text();
}

/** A call as Twilio's Calls resource shows it. */
export function callJson(call: {
  sid: string;
  accountSid: string;
  to: string;
  from: string;
  status: string;
  inbound?: boolean;
}): Record<string, unknown> {
  return {
    sid: call.sid,
    account_sid: call.accountSid,
    to: call.to,
    from: call.from,
    status: call.status,
    direction: call.inbound ? 'inbound' : 'outbound-api',
    api_version: '2010-04-01',
    date_created: new Date().toUTCString(),
    uri: `/2010-04-01/Accounts/${call.accountSid}/Calls/${call.sid}.json`,
  };
}
