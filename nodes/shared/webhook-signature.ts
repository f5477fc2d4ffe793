import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Verifies `X-Voice-Bridge-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`
 * on deliveries from the bridge: a bad signature, or a timestamp more than 300 s from now, fails.
 */
export function verifyBridgeSignature(
	secret: string,
	rawBody: string,
	header: string | undefined,
	nowSec = Math.floor(Date.now() / 1000),
	toleranceSec = 300,
): boolean {
	if (!header || !secret) return false;
	const fields = new Map(header.split(',').map((part) => part.trim().split('=', 2) as [string, string]));
	const timestamp = Number(fields.get('t'));
	const given = fields.get('v1') ?? '';
	if (!Number.isInteger(timestamp) || Math.abs(nowSec - timestamp) > toleranceSec || !/^[0-9a-f]{64}$/.test(given))
		return false;
	const expected = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest();
	return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}

/** A per-execution secret both Await Transcript's execute() and webhook() can derive, so no state is kept between them. */
export function deriveWaiterSecret(credentialSecret: string, executionId: string, nodeId: string): string {
	return `whsec_${createHmac('sha256', credentialSecret || 'voice-bridge')
		.update(`waiter:${executionId}:${nodeId}`)
		.digest('base64url')}`;
}
