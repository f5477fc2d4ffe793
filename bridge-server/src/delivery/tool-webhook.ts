import type { PolicyFetch } from './policy-fetch';
import { postSignedJson, type SignedReply } from './signed-json-post';

/** What a tool's URL is sent: who is calling, which tool call (its id is the idempotency key), with what. */
export interface ToolRequestBody {
  /** Gemini's tool-call id. */
  id: string;
  tool: string;
  /** The model's arguments (`input`: n8n expressions cannot read a property named `arguments`). */
  input: Record<string, unknown>;
  call: { id: string; to: string; from: string; metadata: Record<string, unknown> };
}

export type ToolReply = SignedReply;

/**
 * POSTs one tool call to its URL, signed as deliveries are, with an `Idempotency-Key` of call
 * and tool-call id; the reply (or why there is none) is what the model is told. `signal` aborts
 * it (the model cancelled the call).
 */
export async function callToolWebhook(
  fetch: PolicyFetch,
  target: { url: string; secret: string; timeoutMs: number },
  request: ToolRequestBody,
  signal?: AbortSignal,
): Promise<ToolReply> {
  return postSignedJson(fetch, { ...target, called: 'the tool' }, request, `${request.call.id}:${request.id}`, signal);
}
