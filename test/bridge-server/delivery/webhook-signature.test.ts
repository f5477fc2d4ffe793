import { isValidSignature, newWebhookSecret, signatureHeader } from '../../../bridge-server/src/delivery/webhook-signature';

// CONTRACT.md §3 test vector.
const SECRET = 'whsec_test_secret';
const T = 1763769600;
const BODY = '{"id":"evt_1","type":"call.ended"}';
const V1 = '3750cf8912cef983177fb18d0fb3700525cb2cbfa1130efc420f55cd2379350d';

describe('webhook signatures (bridge side)', () => {
  it('signs the contract test vector exactly', () => {
    expect(signatureHeader(SECRET, BODY, T)).toBe(`t=${T},v1=${V1}`);
  });

  it('verifies the test vector within the tolerance window', () => {
    expect(isValidSignature(SECRET, BODY, `t=${T},v1=${V1}`, T + 299)).toBe(true);
  });

  it('rejects a tampered body, a wrong secret, a stale or future timestamp, and junk', () => {
    expect(isValidSignature(SECRET, BODY.replace('evt_1', 'evt_2'), `t=${T},v1=${V1}`, T)).toBe(false);
    expect(isValidSignature('whsec_other', BODY, `t=${T},v1=${V1}`, T)).toBe(false);
    expect(isValidSignature(SECRET, BODY, `t=${T},v1=${V1}`, T + 301)).toBe(false);
    expect(isValidSignature(SECRET, BODY, `t=${T},v1=${V1}`, T - 301)).toBe(false);
    expect(isValidSignature(SECRET, BODY, 'nonsense', T)).toBe(false);
    expect(isValidSignature(SECRET, BODY, undefined, T)).toBe(false);
  });

  it('generates distinct whsec_ secrets', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[\w-]{32}$/);
    expect(newWebhookSecret()).not.toBe(a);
  });
});
