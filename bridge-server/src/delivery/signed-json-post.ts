import { SIGNATURE_HEADER } from '../shared/wire-types';
import type { PolicyFetch } from './policy-fetch';
import { signatureHeader } from './webhook-signature';

/** A reply to a signed request: its JSON (or text) on 2xx, else a short reason. */
export type SignedReply = { result: unknown } | { error: string };

/** A reply beyond this is refused rather than used. */
export const MAX_REPLY_BYTES = 64 * 1024;

export interface SignedTarget {
  url: string;
  secret: string;
  timeoutMs: number;
  /** What the target is called in errors ("the tool"). */
  called: string;
}

async function readBounded(response: Response): Promise<string | undefined> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_REPLY_BYTES) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * POSTs `body` as JSON, signed as deliveries are (X-Voice-Bridge-Signature), with an
 * `Idempotency-Key`, and reads the reply within `timeoutMs`: JSON (or text) on 2xx is the
 * result; anything else, a timeout or an unreachable URL, a short error that can be said or
 * logged. `signal` aborts it. Tool calls and inbound routing both ask n8n this way.
 */
export async function postSignedJson(
  fetch: PolicyFetch,
  target: SignedTarget,
  body: unknown,
  idempotencyKey: string,
  signal?: AbortSignal,
): Promise<SignedReply> {
  const json = JSON.stringify(body);
  const timeout = AbortSignal.timeout(target.timeoutMs);
  try {
    const response = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'idempotency-key': idempotencyKey,
        [SIGNATURE_HEADER]: signatureHeader(target.secret, json),
      },
      body: json,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    const text = await readBounded(response);
    if (text === undefined) return { error: `${target.called}'s reply was over ${MAX_REPLY_BYTES} bytes` };
    if (response.status < 200 || response.status >= 300)
      return { error: `${target.called} answered HTTP ${response.status}` };
    if (!text.trim()) return { result: { ok: true } };
    try {
      return { result: JSON.parse(text) as unknown };
    } catch {
      return { result: text };
    }
  } catch (error) {
    if (timeout.aborted) return { error: `${target.called} did not answer within ${target.timeoutMs / 1000} s` };
    if (signal?.aborted) return { error: 'cancelled' };
    const reason =
      error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    return { error: `${target.called} could not be reached (${reason})` };
  }
}
