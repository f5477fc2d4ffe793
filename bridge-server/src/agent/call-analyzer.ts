import Ajv from 'ajv';
import { ThinkingLevel, type GoogleGenAI } from '@google/genai';
import type { AnalysisRequest, CallAnalysis, TranscriptEntry } from '../shared/wire-types';

const ajv = new Ajv({ strict: false, allErrors: true });

const INSTRUCTIONS = [
  'You analyse the transcript of a phone call for the business that placed or answered it.',
  'Work only from what the transcript says; where it does not say, leave a field out or use null rather than guess.',
  'The summary is two to four plain sentences: who called whom, what was asked, what was agreed or left open.',
].join(' ');

/** One line per transcript entry, speaker first (`Agent:`, `Callee:`, or the speaker's label). */
export function transcriptText(transcript: TranscriptEntry[]): string {
  return transcript
    .filter((entry) => entry.kind !== 'tool')
    .map((entry) => `${entry.label ?? entry.speaker.charAt(0).toUpperCase() + entry.speaker.slice(1)}: ${entry.text}`)
    .join('\n');
}

/** The response schema: `summary` and/or `fields` (the request's own object schema). */
export function analysisSchema(request: AnalysisRequest): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  if (request.summary) properties.summary = { type: 'string', description: 'a short summary of the call' };
  if (request.fields) properties.fields = request.fields;
  return { type: 'object', properties, required: Object.keys(properties) };
}

/**
 * Post-call analysis with a Gemini text model: the transcript in, structured output out
 * (`responseJsonSchema` with `application/json`), checked against the schema before it is
 * believed. Thinking is kept low: the answer is extraction, not reasoning.
 */
export class CallAnalyzer {
  constructor(
    private readonly ai: GoogleGenAI,
    readonly model: string,
  ) {}

  async analyze(transcript: TranscriptEntry[], request: AnalysisRequest, signal?: AbortSignal): Promise<CallAnalysis> {
    const schema = analysisSchema(request);
    const response = await this.ai.models.generateContent({
      model: this.model,
      contents: [{ role: 'user', parts: [{ text: `Transcript of the call:\n\n${transcriptText(transcript)}` }] }],
      config: {
        systemInstruction: request.prompt ? `${INSTRUCTIONS}\n\n${request.prompt}` : INSTRUCTIONS,
        responseMimeType: 'application/json',
        responseJsonSchema: schema,
        thinkingConfig: { thinkingLevel: ThinkingLevel.LOW },
        abortSignal: signal,
      },
    });
    const text = response.text;
    if (!text)
      throw new Error(`${this.model} gave no answer (${response.candidates?.[0]?.finishReason ?? 'no candidate'})`);
    let answer: { summary?: string; fields?: Record<string, unknown> };
    try {
      answer = JSON.parse(text) as typeof answer;
    } catch {
      throw new Error(`${this.model} answered with something other than JSON`);
    }
    const validate = ajv.compile(schema);
    if (!validate(answer))
      throw new Error(`${this.model}'s answer does not match the schema: ${ajv.errorsText(validate.errors)}`);
    return {
      ...(request.summary ? { summary: answer.summary } : {}),
      ...(request.fields ? { fields: answer.fields } : {}),
      model: this.model,
      analyzedAt: new Date().toISOString(),
    };
  }
}
