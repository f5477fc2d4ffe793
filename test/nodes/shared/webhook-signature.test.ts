import { signatureHeader } from '../../../bridge-server/src/delivery/webhook-signature';
import { deriveWaiterSecret, verifyBridgeSignature } from '../../../nodes/shared/webhook-signature';

// CONTRACT.md §3 test vector.
const SECRET = 'whsec_test_secret';
const T = 1763769600;
const BODY = '{"id":"evt_1","type":"call.ended"}';
const HEADER = `t=${T},v1=3750cf8912cef983177fb18d0fb3700525cb2cbfa1130efc420f55cd2379350d`;

describe("the nodes' signature check", () => {
  it('accepts the contract test vector', () => {
    expect(verifyBridgeSignature(SECRET, BODY, HEADER, T)).toBe(true);
  });

  it('rejects a tampered body', () => {
    expect(verifyBridgeSignature(SECRET, '{"id":"evt_1","type":"call.status"}', HEADER, T)).toBe(false);
  });

  it('rejects a stale timestamp (more than 300 s old) and one from the future', () => {
    expect(verifyBridgeSignature(SECRET, BODY, HEADER, T + 301)).toBe(false);
    expect(verifyBridgeSignature(SECRET, BODY, HEADER, T - 301)).toBe(false);
    expect(verifyBridgeSignature(SECRET, BODY, HEADER, T + 300)).toBe(true);
  });

  it('rejects a wrong secret, an empty secret, a missing header and malformed headers', () => {
    expect(verifyBridgeSignature('whsec_other', BODY, HEADER, T)).toBe(false);
    expect(verifyBridgeSignature('', BODY, HEADER, T)).toBe(false);
    expect(verifyBridgeSignature(SECRET, BODY, undefined, T)).toBe(false);
    expect(verifyBridgeSignature(SECRET, BODY, 'v1=abc', T)).toBe(false);
    expect(verifyBridgeSignature(SECRET, BODY, `t=${T},v1=zz`, T)).toBe(false);
  });

  it('verifies what the bridge signs', () => {
    const now = Math.floor(Date.now() / 1000);
    expect(verifyBridgeSignature(SECRET, BODY, signatureHeader(SECRET, BODY, now))).toBe(true);
  });

  it('derives the same waiter secret in execute() and webhook(), different per execution and node', () => {
    const a = deriveWaiterSecret('key', '101', 'node-1');
    expect(deriveWaiterSecret('key', '101', 'node-1')).toBe(a);
    expect(deriveWaiterSecret('key', '102', 'node-1')).not.toBe(a);
    expect(deriveWaiterSecret('key', '101', 'node-2')).not.toBe(a);
    expect(deriveWaiterSecret('other', '101', 'node-1')).not.toBe(a);
    expect(a).toMatch(/^whsec_/);
  });
});
