import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GoogleGenAI } from '@google/genai';
import { GeminiLiveSession } from '../../../bridge-server/src/agent/gemini-live-session';
import type { AgentEvent } from '../../../bridge-server/src/agent/live-events';
import { greetingInstruction, liveConnectConfig } from '../../../bridge-server/src/agent/live-session-config';
import { profileFor } from '../../../bridge-server/src/agent/model-profiles';
import { GeminiLiveSimulator } from '../../../bridge-server/src/sandbox/gemini-live-simulator';
import { silentLogger } from '../../../bridge-server/src/shared/logger';
import { until } from '../../support/webhook-receiver';

const MODEL = 'gemini-3.8-live';

function sessionTo(baseUrl: string, greeting = greetingInstruction(undefined), model = MODEL): GeminiLiveSession {
  const profile = profileFor(model);
  return new GeminiLiveSession({
    ai: new GoogleGenAI({ apiKey: 'test', httpOptions: { baseUrl, apiVersion: 'v1beta' } }),
    model,
    profile,
    config: (handle) => liveConnectConfig({ prompt: 'You confirm appointments.' }, 'en-US', profile, handle),
    greeting,
    setupTimeoutMs: 1000,
    log: silentLogger(),
  });
}

describe('GeminiLiveSession: one call’s Gemini Live session through the real SDK', () => {
  let simulator: GeminiLiveSimulator;
  let baseUrl: string;

  beforeAll(async () => {
    simulator = new GeminiLiveSimulator({ log: silentLogger(), speed: 4 });
    baseUrl = await simulator.listen();
  });

  afterAll(async () => {
    await simulator.close();
  });

  it('says nothing until asked to greet (a call nobody answers costs no output), then greets once', async () => {
    const before = simulator.sessions.length;
    const session = sessionTo(baseUrl, greetingInstruction('Hi from the test.'));
    await until(() => simulator.sessions.length > before, 5000, 'the session');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(simulator.sessions[before].textTurns).toEqual([]);
    session.greet();
    session.greet();
    await until(() => simulator.sessions[before].textTurns.length > 0, 5000, 'the session');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(simulator.sessions[before].textTurns).toEqual([greetingInstruction('Hi from the test.')]);
    session.close();
  });

  it('keeps what the agent said before anyone listened (a greeting asked for at answer) and hands it over in order', async () => {
    const session = sessionTo(baseUrl, greetingInstruction('Hello there.'));
    session.greet();
    await until(
      () => simulator.sessions.some((s) => s.textTurns.some((t) => t.includes('Hello there.'))),
      5000,
      'the session',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const events: AgentEvent[] = [];
    session.listen((event) => events.push(event));
    expect(events.length).toBeGreaterThan(0);
    expect(events[0].type).toBe('audio');
    session.close();
  });

  it('holds caller audio sent before the connection is up and sends all of it once it is', async () => {
    const before = simulator.sessions.length;
    const session = sessionTo(baseUrl);
    session.listen(() => undefined);
    for (let i = 0; i < 5; i++) session.sendAudio(Buffer.alloc(640, i));
    await until(
      () => simulator.sessions.length > before && simulator.sessions[before].audioChunksReceived >= 5,
      5000,
      'the session',
    );
    expect(simulator.sessions[before].audioChunksReceived).toBe(5);
    session.close();
  });

  it('finishInput ends the audio, and resolves after the quiet period when words are in, or at the limit', async () => {
    const before = simulator.sessions.length;
    const session = sessionTo(baseUrl);
    session.listen(() => undefined);
    await until(() => simulator.sessions.length > before, 5000, 'the session');
    await new Promise((resolve) => setTimeout(resolve, 100));
    let started = performance.now();
    await session.finishInput({ limitMs: 2000, quietMs: 100, haveWords: true });
    const quiet = performance.now() - started;
    started = performance.now();
    await session.finishInput({ limitMs: 300, quietMs: 100, haveWords: false });
    const limited = performance.now() - started;
    expect(simulator.sessions[before].audioStreamEnded).toBe(true);
    expect(quiet).toBeGreaterThanOrEqual(95);
    expect(quiet).toBeLessThan(1000);
    expect(limited).toBeGreaterThanOrEqual(295);
    session.close();
  });
});

describe('GeminiLiveSession when Gemini cannot be reached', () => {
  let server: Server;
  let upgrades = 0;
  let baseUrl: string;

  beforeAll(async () => {
    server = createServer((_req, res) => res.writeHead(404).end());
    server.on('upgrade', (_req, socket) => {
      upgrades++;
      socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('tries the first connection once more when the call claims the session, then reports it failed', async () => {
    const session = sessionTo(baseUrl);
    await until(() => upgrades === 1, 5000, 'the session');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(upgrades).toBe(1);
    const events: AgentEvent[] = [];
    session.listen((event) => events.push(event));
    await until(() => events.length > 0, 5000, 'the session');
    expect(upgrades).toBe(2);
    expect(events.map((e) => e.type)).toEqual(['failed']);
    session.close();
  });
});
