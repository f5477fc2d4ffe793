import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../shared/logger';
import { simulatedAnswer, transcriptLines } from './simulated-analysis';
import { generateContentRefusal, type GenerateContentBody, type HttpRefusal } from './text-model-rules';

const GENERATE_PATH = /^\/(v1|v1beta|v1alpha)\/models\/([^/:]+):generateContent$/;
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** One generateContent request as the simulator saw it, and what it answered. */
export interface GenerateRecord {
  model: string;
  body: GenerateContentBody;
  status: number;
  answer?: unknown;
}

/**
 * Gemini's `models/{model}:generateContent` over HTTP, as the SDK calls it: the API key
 * (`x-goog-api-key`), the model's rules (text-model-rules.ts), and a structured answer made
 * from the transcript in the request (simulated-analysis.ts).
 */
export class TextModelSimulator {
  readonly requests: GenerateRecord[] = [];
  /** Answer the next requests with this HTTP status (a 503 or 429 from Google), then recover. */
  failNext: { status: number; times: number } | undefined;

  constructor(private readonly log: Logger) {}

  handle(req: IncomingMessage, res: ServerResponse): void {
    const match = GENERATE_PATH.exec((req.url ?? '/').split('?')[0]);
    if (req.method !== 'POST' || !match) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => this.answer(req, res, match[1], match[2], Buffer.concat(chunks).toString()));
  }

  private answer(req: IncomingMessage, res: ServerResponse, version: string, model: string, raw: string): void {
    let body: GenerateContentBody;
    try {
      body = JSON.parse(raw) as GenerateContentBody;
    } catch {
      return this.refuse(
        res,
        model,
        {},
        { status: 400, status_name: 'INVALID_ARGUMENT', message: 'Invalid JSON payload received.' },
      );
    }
    if (!req.headers['x-goog-api-key'] && !new URLSearchParams((req.url ?? '').split('?')[1]).get('key'))
      return this.refuse(res, model, body, {
        status: 401,
        status_name: 'UNAUTHENTICATED',
        message: "Method doesn't allow unregistered callers. Please use an API key.",
      });
    if (this.failNext && this.failNext.times > 0) {
      this.failNext.times--;
      const status = this.failNext.status;
      return this.refuse(res, model, body, {
        status,
        status_name: status === 429 ? 'RESOURCE_EXHAUSTED' : 'UNAVAILABLE',
        message: 'The model is overloaded. Please try again later.',
      });
    }
    const refusal = generateContentRefusal(model, version, body);
    if (refusal) return this.refuse(res, model, body, refusal);
    const text = (body.contents ?? [])
      .flatMap((content) => content.parts ?? [])
      .map((part) => part.text ?? '')
      .join('\n');
    const schema = (body.generationConfig?.responseJsonSchema ?? body.generationConfig?.responseSchema) as
      Parameters<typeof simulatedAnswer>[0] | undefined;
    const answer = schema ? simulatedAnswer(schema, transcriptLines(text)) : undefined;
    this.requests.push({ model, body, status: 200, answer });
    const reply = {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [{ text: answer ? JSON.stringify(answer) : `A call of ${transcriptLines(text).length} turns.` }],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: {
        promptTokenCount: Math.ceil(text.length / 4),
        candidatesTokenCount: 64,
        totalTokenCount: Math.ceil(text.length / 4) + 64,
      },
      modelVersion: model,
      responseId: randomBytes(9).toString('base64url'),
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
  }

  private refuse(res: ServerResponse, model: string, body: GenerateContentBody, refusal: HttpRefusal): void {
    this.requests.push({ model, body, status: refusal.status });
    this.log.info({ model, status: refusal.status, reason: refusal.message }, 'generateContent refused');
    res
      .writeHead(refusal.status, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: { code: refusal.status, message: refusal.message, status: refusal.status_name } }));
  }
}
