import type { IWebhookFunctions } from 'n8n-workflow';
import { verifyBridgeSignature } from './webhook-signature';
import { SIGNATURE_HEADER } from './wire-types';

/**
 * Checks a delivery's X-Voice-Bridge-Signature over the raw body n8n received. On failure it has
 * already answered 401, and the caller returns `{ noWebhookResponse: true }` without running.
 */
export function acceptSignedDelivery(context: IWebhookFunctions, secret: string): boolean {
	const request = context.getRequestObject() as { rawBody?: Buffer; body?: unknown };
	const rawBody = request.rawBody?.toString('utf8') ?? JSON.stringify(request.body ?? {});
	const signature = context.getHeaderData()[SIGNATURE_HEADER.toLowerCase()] as string | undefined;
	if (verifyBridgeSignature(secret, rawBody, signature)) return true;
	context.getResponseObject().status(401).json({ error: 'invalid X-Voice-Bridge-Signature' });
	return false;
}
