/**
 * The sandbox carrier's account resources, as Twilio's REST API (2010-04-01) serves them: the
 * account itself and its incoming phone numbers, filtered by `PhoneNumber` (what `voice-bridge
 * doctor` asks to check the credentials and the from-number).
 */
const ACCOUNT_PATH = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})(\/IncomingPhoneNumbers)?\.json$/;

export interface AccountReply {
  status: number;
  body: object;
}

/** The account sid a request names, when it is for an account resource. */
export function accountSidOf(path: string): string | undefined {
  return ACCOUNT_PATH.exec(path)?.[1];
}

export function accountReply(path: string, query: URLSearchParams, ownedNumbers: ReadonlySet<string>): AccountReply {
  const [, sid, numbers] = ACCOUNT_PATH.exec(path) ?? [];
  const base = `/2010-04-01/Accounts/${sid}`;
  if (!numbers)
    return {
      status: 200,
      body: { sid, friendly_name: 'Voice Bridge sandbox', status: 'active', type: 'Full', uri: `${base}.json` },
    };
  const wanted = query.get('PhoneNumber');
  const found = [...ownedNumbers].filter((number) => !wanted || number === wanted);
  const uri = `${base}/IncomingPhoneNumbers.json`;
  return {
    status: 200,
    body: {
      incoming_phone_numbers: found.map((phone_number, i) => ({
        sid: `PN${String(i).padStart(32, '0')}`,
        account_sid: sid,
        phone_number,
        friendly_name: phone_number,
        capabilities: { voice: true, sms: false, mms: false },
      })),
      first_page_uri: `${uri}?PageSize=50&Page=0`,
      next_page_uri: null,
      previous_page_uri: null,
      page: 0,
      page_size: 50,
      start: 0,
      end: Math.max(0, found.length - 1),
      uri,
    },
  };
}
