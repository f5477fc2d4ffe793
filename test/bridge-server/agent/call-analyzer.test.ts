import { GoogleGenAI } from '@google/genai';
import { analysisSchema, CallAnalyzer, transcriptText } from '../../../bridge-server/src/agent/call-analyzer';
import { GeminiLiveSimulator } from '../../../bridge-server/src/sandbox/gemini-live-simulator';
import { silentLogger } from '../../../bridge-server/src/shared/logger';
import type { TranscriptEntry } from '../../../bridge-server/src/shared/wire-types';

const transcript: TranscriptEntry[] = [
  {
    seq: 1,
    speaker: 'agent',
    text: 'Hi, this is Ava from Bright Dental. Can you come in on Thursday at nine?',
    startMs: 0,
    endMs: 2000,
  },
  { seq: 2, speaker: 'callee', text: 'Yes, Thursday at nine works for me.', startMs: 2500, endMs: 4000 },
  { seq: 3, speaker: 'callee', text: 'I have 2 kids who need a cleaning too.', startMs: 4500, endMs: 6000 },
];

const fields = {
  type: 'object',
  properties: {
    agreed: { type: 'boolean', description: 'whether the callee agreed to the appointment' },
    children: { type: 'integer', description: 'how many kids need a cleaning' },
    day: { type: 'string', enum: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'] },
    notes: { type: 'string', description: 'anything else the callee asked for' },
  },
  required: ['agreed', 'children', 'day'],
};

/** One simulated Gemini for the file: the real @google/genai SDK talks to its generateContent. */
const gemini = new GeminiLiveSimulator({ log: silentLogger() });
let ai: GoogleGenAI;

beforeAll(async () => {
  ai = new GoogleGenAI({
    vertexai: false,
    apiKey: 'sandbox',
    httpOptions: { baseUrl: await gemini.listen(), apiVersion: 'v1beta' },
  });
});

afterAll(() => gemini.close());

describe('CallAnalyzer (real SDK, simulated generateContent)', () => {
  it('writes the transcript one line per speaker, tool uses left out, labels used', () => {
    const withTool: TranscriptEntry[] = [
      ...transcript.slice(0, 1),
      { seq: 4, speaker: 'agent', text: '(tool)', kind: 'tool', startMs: 2100, endMs: 2200 },
      { ...transcript[1], label: 'Sam' },
    ];
    expect(transcriptText(withTool)).toBe(`Agent: ${transcript[0].text}\nSam: ${transcript[1].text}`);
  });

  it('asks for structured output with the schema, and returns fields typed as the schema asked', async () => {
    const analyzer = new CallAnalyzer(ai, 'gemini-3.8-flash');
    const analysis = await analyzer.analyze(transcript, {
      summary: true,
      fields,
      prompt: 'Write the summary in English.',
    });
    expect(analysis.model).toBe('gemini-3.8-flash');
    expect(typeof analysis.summary).toBe('string');
    expect(analysis.summary).toContain('Thursday at nine works for me');
    expect(analysis.fields).toEqual({
      agreed: true,
      children: 2,
      day: 'Thursday',
      notes: expect.any(String),
    });
    const sent = gemini.text.requests.at(-1)!.body;
    expect(sent.generationConfig).toMatchObject({
      responseMimeType: 'application/json',
      responseJsonSchema: analysisSchema({ summary: true, fields }),
      thinkingConfig: { thinkingLevel: 'LOW' },
    });
    expect(JSON.stringify(sent.systemInstruction)).toContain('Write the summary in English.');
  });

  it('fails the way the real API does when a Live model is asked to generate content', async () => {
    await expect(new CallAnalyzer(ai, 'gemini-3.8-live').analyze(transcript, { summary: true })).rejects.toThrow(
      /not found for API version v1beta, or is not supported for generateContent/,
    );
  });
});

describe('the simulated text models refuse what the real ones refuse', () => {
  const contents = [{ role: 'user', parts: [{ text: 'Callee: hello' }] }];

  it('refuses minimal thinking on gemini-3.8-flash, and a level with a budget', async () => {
    await expect(
      ai.models.generateContent({
        model: 'gemini-3.8-flash',
        contents,
        config: { thinkingConfig: { thinkingLevel: 'MINIMAL' as never } },
      }),
    ).rejects.toThrow(/thinking_level minimal is not supported by gemini-3.8-flash/);
    await expect(
      ai.models.generateContent({
        model: 'gemini-3.8-flash',
        contents,
        config: { thinkingConfig: { thinkingLevel: 'LOW' as never, thinkingBudget: 128 } },
      }),
    ).rejects.toThrow(/cannot both be set/);
  });

  it('refuses a JSON schema without application/json, and both schema fields at once', async () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    await expect(
      ai.models.generateContent({ model: 'gemini-3.8-flash', contents, config: { responseJsonSchema: schema } }),
    ).rejects.toThrow(/response_mime_type must be application\/json/);
    await expect(
      ai.models.generateContent({
        model: 'gemini-3.8-flash',
        contents,
        config: { responseMimeType: 'application/json', responseJsonSchema: schema, responseSchema: schema as never },
      }),
    ).rejects.toThrow(/cannot both be set/);
  });
});
