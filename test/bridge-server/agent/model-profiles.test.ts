import { GoogleGenAI } from '@google/genai';
import { AgentConnector } from '../../../bridge-server/src/agent/agent-connector';
import { GeminiLiveSession } from '../../../bridge-server/src/agent/gemini-live-session';
import type { AgentEvent } from '../../../bridge-server/src/agent/live-events';
import { greetingInstruction, liveConnectConfig } from '../../../bridge-server/src/agent/live-session-config';
import { profileFor, type ModelProfile } from '../../../bridge-server/src/agent/model-profiles';
import {
  DEFAULT_GEMINI_API_VERSION,
  DEFAULT_GEMINI_MODEL,
  loadConfig,
} from '../../../bridge-server/src/config/load-config';
import type { CallRecord } from '../../../bridge-server/src/model/call-record';
import { GeminiLiveSimulator } from '../../../bridge-server/src/sandbox/gemini-live-simulator';
import { silentLogger } from '../../../bridge-server/src/shared/logger';
import { capturingLogger } from '../../support/log-capture';
import { until } from '../../support/webhook-receiver';

describe('model profiles', () => {
  it('defaults to gemini-3.8-live on the documented API version (v1beta)', () => {
    const gemini = loadConfig({ GEMINI_API_KEY: 'k' }).gemini!;
    expect(DEFAULT_GEMINI_MODEL).toBe('gemini-3.8-live');
    expect(gemini).toMatchObject({ model: 'gemini-3.8-live', apiVersion: DEFAULT_GEMINI_API_VERSION });
    expect(DEFAULT_GEMINI_API_VERSION).toBe('v1beta');
    expect(loadConfig({ GEMINI_API_KEY: 'k', GEMINI_API_VERSION: 'v1alpha' }).gemini!.apiVersion).toBe('v1alpha');
  });

  it('knows each family by its model string, and gives anything else the most conservative profile', () => {
    expect(profileFor('gemini-3.8-live').family).toBe('3.8-live');
    expect(profileFor('models/gemini-3.1-flash-live-preview').family).toBe('3.1-flash-live');
    expect(profileFor('gemini-2.5-flash-native-audio-preview-09-2025').family).toBe('2.5-native-audio');
    expect(profileFor('gemini-live-2.5-flash-native-audio').vertex).toBe(true);
    expect(profileFor('some-future-model')).toEqual({
      family: 'unknown',
      textInput: 'realtime-text',
      languageCode: false,
      asyncFunctionCalls: false,
      vertex: false,
    });
  });

  it('refuses a Vertex AI model id at start-up, saying why', () => {
    expect(() => loadConfig({ GEMINI_API_KEY: 'k', GEMINI_MODEL: 'gemini-live-2.5-flash-native-audio' })).toThrow(
      /Vertex AI model id; this bridge speaks to the Gemini API only/,
    );
  });

  it('warns at start-up about an unknown model and about SDK variables it ignores', () => {
    const capture = capturingLogger();
    new AgentConnector(
      { apiKey: 'k', model: 'mystery-live', apiVersion: 'v1beta', analysisModel: 'gemini-3.8-flash' },
      capture.log,
      5000,
      {
        GOOGLE_GENAI_USE_VERTEXAI: 'true',
        GOOGLE_CLOUD_PROJECT: 'p',
      },
    ).close();
    const messages = capture.lines.map((line) => String(line.msg));
    expect(messages.some((m) => m.startsWith('GEMINI_MODEL is not a model family this bridge knows'))).toBe(true);
    expect(capture.lines.find((line) => String(line.msg).startsWith('ignoring Google SDK'))).toMatchObject({
      ignored: ['GOOGLE_GENAI_USE_VERTEXAI', 'GOOGLE_CLOUD_PROJECT'],
    });
  });
});

describe('each profile’s set-up and messages, against a simulator that refuses what the service refuses', () => {
  let simulator: GeminiLiveSimulator;
  let baseUrl: string;

  beforeAll(async () => {
    simulator = new GeminiLiveSimulator({ log: silentLogger(), speed: 4 });
    baseUrl = await simulator.listen();
  });

  afterAll(async () => {
    await simulator.close();
  });

  let opened = 0;

  function open(model: string, profile: ModelProfile = profileFor(model), apiVersion = 'v1beta') {
    const events: AgentEvent[] = [];
    const marker = `#test:${++opened}`;
    const refusalsBefore = simulator.refusals.length;
    const session = new GeminiLiveSession({
      ai: new GoogleGenAI({ vertexai: false, apiKey: 'k', httpOptions: { baseUrl, apiVersion } }),
      model,
      profile,
      config: (handle) =>
        liveConnectConfig({ prompt: `You confirm appointments. ${marker}` }, 'de-DE', profile, handle),
      greeting: greetingInstruction('Guten Tag.'),
      setupTimeoutMs: 2000,
      log: silentLogger(),
    });
    session.listen((event) => events.push(event));
    return {
      session,
      events,
      record: () => simulator.sessions.find((s) => JSON.stringify(s.setup).includes(`${marker}\\n`))!,
      refusals: () => simulator.refusals.slice(refusalsBefore),
    };
  }

  it('gemini-3.8-live: language in speechConfig, no proactivity, affective dialog or thinking; greeting as client content', async () => {
    const { session, record, refusals } = open('gemini-3.8-live');
    session.greet();
    await until(() => record()?.textTurns.length > 0, 5000, 'the session');
    const setup = record().setup as Record<string, any>;
    expect(setup.model).toBe('models/gemini-3.8-live');
    expect(setup.generationConfig.responseModalities).toEqual(['AUDIO']);
    expect(setup.generationConfig.speechConfig.languageCode).toBe('de-DE');
    expect(setup.generationConfig.enableAffectiveDialog).toBeUndefined();
    expect(setup.generationConfig.thinkingConfig).toBeUndefined();
    expect(setup.proactivity).toBeUndefined();
    expect(record().textTurns).toEqual([greetingInstruction('Guten Tag.')]);
    expect(refusals()).toEqual([]);
    session.close();
  });

  it('gemini-3.1-flash-live-preview: every text as realtime input (client content would close with 1007), keys held to the turn’s end', async () => {
    const { session, record, refusals, events } = open('gemini-3.1-flash-live-preview');
    session.greet();
    await until(() => events.some((e) => e.type === 'audio'), 5000, 'the session');
    session.sendNote('(The callee pressed 1 on their keypad.)');
    expect(record().textTurns).toEqual([greetingInstruction('Guten Tag.')]);
    await until(() => events.some((e) => e.type === 'turn-complete'), 5000, 'the session');
    await until(() => record().textTurns.length === 2, 5000, 'the session');
    expect(record().textTurns[1]).toBe('(The callee pressed 1 on their keypad.)');
    expect(refusals()).toEqual([]);
    expect(events.some((e) => e.type === 'failed')).toBe(false);
    session.close();
  });

  it('gemini-3.1-flash-live-preview with client content, as the bridge used to send it, is closed with 1007', async () => {
    const clientContent = { ...profileFor('gemini-3.1-flash-live-preview'), textInput: 'client-content' as const };
    const { session, refusals } = open('gemini-3.1-flash-live-preview', clientContent);
    session.greet();
    await until(() => refusals().length > 0, 5000, 'the session');
    expect(refusals()[0]).toMatchObject({ code: 1007 });
    session.close();
  });

  it('gemini-2.5 native audio: no speechConfig.languageCode (the service refuses it); the language is in the instruction', async () => {
    const model = 'gemini-2.5-flash-native-audio-preview-09-2025';
    const { session, record, refusals } = open(model);
    session.greet();
    await until(() => record()?.textTurns.length > 0, 5000, 'the session');
    const setup = record().setup as Record<string, any>;
    expect(setup.generationConfig.speechConfig.languageCode).toBeUndefined();
    expect(setup.systemInstruction.parts[0].text).toContain('BCP-47 tag de-DE');
    expect(refusals()).toEqual([]);
    session.close();
    const withLanguage = open(model, { ...profileFor(model), languageCode: true });
    await until(() => withLanguage.refusals().length > 0, 5000, 'the session');
    expect(withLanguage.refusals()[0]).toMatchObject({ code: 1007, reason: expect.stringContaining('language_code') });
    withLanguage.session.close();
  });

  it('serves the Live API only on v1beta, as documented: the SDK’s own default (v1) fails', async () => {
    const { events, session } = open('gemini-3.8-live', profileFor('gemini-3.8-live'), 'v1');
    session.greet();
    await until(() => events.some((e) => e.type === 'failed'), 8000, 'the session');
    session.close();
  });

  it('closes an unknown model with 1008, as the service does', async () => {
    const { refusals, session } = open('gemini-0.1-imaginary');
    await until(() => refusals().length > 0, 5000, 'the session');
    expect(refusals()[0]).toMatchObject({ code: 1008, reason: expect.stringContaining('not found') });
    session.close();
  });

  it('ignores variables that would switch the SDK to Vertex AI or another endpoint', async () => {
    const saved = { ...process.env };
    process.env.GOOGLE_GENAI_USE_VERTEXAI = 'true';
    process.env.GOOGLE_GEMINI_BASE_URL = 'http://127.0.0.1:9';
    try {
      const connector = new AgentConnector(
        { apiKey: 'k', model: 'gemini-3.8-live', apiVersion: 'v1beta', baseUrl, analysisModel: 'gemini-3.8-flash' },
        silentLogger(),
      );
      const before = simulator.sessions.length;
      const call = { id: 'call_1', mode: 'agent', agent: { prompt: 'p' }, language: 'en-US' } as CallRecord;
      const session = connector.claim(call, silentLogger());
      session.listen(() => undefined);
      session.greet();
      await until(
        () => simulator.sessions.length > before && simulator.sessions[before].textTurns.length > 0,
        5000,
        'the session',
      );
      session.close();
      connector.close();
    } finally {
      process.env = saved;
    }
  });
});
