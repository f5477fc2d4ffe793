import { SIGNATURE_HEADER } from '../shared/wire-types';
import type { PolicyFetch } from './policy-fetch';
import { signatureHeader } from './webhook-signature';

/** What a tool's URL is sent: who is calling, which tool call (its id is the idempotency key), with what. */
export interface ToolRequestBody {
  /** Gemini's tool-call id. */
  id: string;
  tool: string;
  /** The model's arguments (`input`: n8n expressions cannot read a property named `arguments`). */
  input: Record<string, unknown>;
  call: { id: string; to: string; from: string; metadata: Record<string, unknown> };
}

export type ToolReply = { result: unknown } | { error: string };

/** A tool's reply beyond this is refused rather than handed to the model. */
export const MAX_TOOL_REPLY_BYTES = 64 * 1024;

async function readBounded(response: Response): Promise<string | undefined> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_TOOL_REPLY_BYTES) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * POSTs one tool call to its URL, signed as deliveries are (X-Voice-Bridge-Signature) with an
 * `Idempotency-Key` of call and tool-call id, and reads the reply: JSON (or text) on 2xx
 * becomes the result; anything else, a timeout or an unreachable URL, a short error the model
 * can say. `signal` aborts it (the model cancelled the call).
 */
export async function callToolWebhook(
  fetch: PolicyFetch,
  target: { url: string; secret: string; timeoutMs: number },
  request: ToolRequestBody,
  signal?: AbortSignal,
): Promise<ToolReply> {
  const body = JSON.stringify(request);
  const timeout = AbortSignal.timeout(target.timeoutMs);
  try {
    const response = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'idempotency-key': `${request.call.id}:${request.id}`,
        [SIGNATURE_HEADER]: signatureHeader(target.secret, body),
      },
      body,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    const text = await readBounded(response);
    if (text === undefined) return { error: `the tool's reply was over ${MAX_TOOL_REPLY_BYTES} bytes` };
    if (response.status < 200 || response.status >= 300) return { error: `the tool answered HTTP ${response.status}` };
    if (!text.trim()) return { result: { ok: true } };
    try {
      return { result: JSON.parse(text) as unknown };
    } catch {
      return { result: text };
    }
  } catch (error) {
    if (timeout.aborted) return { error: `the tool did not answer within ${target.timeoutMs / 1000} s` };
    if (signal?.aborted) return { error: 'cancelled' };
    const reason =
      error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    return { error: `the tool could not be reached (${reason})` };
  }
}
