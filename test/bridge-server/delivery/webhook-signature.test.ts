import { newWebhookSecret, signatureHeader } from '../../../bridge-server/src/delivery/webhook-signature';
import { verifyBridgeSignature } from '../../../nodes/shared/webhook-signature';

// CONTRACT.md §3 test vector.
const SECRET = 'whsec_test_secret';
const T = 1763769600;
const BODY = '{"id":"evt_1","type":"call.ended"}';
const V1 = '3750cf8912cef983177fb18d0fb3700525cb2cbfa1130efc420f55cd2379350d';

describe('webhook signatures (bridge side)', () => {
  it('signs the contract test vector exactly', () => {
    expect(signatureHeader(SECRET, BODY, T)).toBe(`t=${T},v1=${V1}`);
  });

  it('signs with the current time by default, which receivers accept', () => {
    const header = signatureHeader(SECRET, BODY);
    expect(verifyBridgeSignature(SECRET, BODY, header)).toBe(true);
    expect(Math.abs(Number(/t=(\d+)/.exec(header)![1]) - Date.now() / 1000)).toBeLessThan(2);
  });

  it('generates distinct whsec_ secrets', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[\w-]{32}$/);
    expect(newWebhookSecret()).not.toBe(a);
  });
});
