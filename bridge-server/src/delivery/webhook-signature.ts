import { createHmac, randomBytes } from 'node:crypto';

/**
 * `X-Voice-Bridge-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * The bridge only signs; receivers (the n8n nodes: nodes/shared/webhook-signature.ts) verify.
 * Tests hold both sides to the contract's test vector.
 */

export function signatureHeader(secret: string, rawBody: string, unixSeconds = Math.floor(Date.now() / 1000)): string {
  const v1 = createHmac('sha256', secret).update(`${unixSeconds}.${rawBody}`).digest('hex');
  return `t=${unixSeconds},v1=${v1}`;
}

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}
