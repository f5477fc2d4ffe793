import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { TextModelSimulator } from './text-model-simulator';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../shared/logger';
import { scenarioName, type AgentScenario } from './agent-scenario';
import { demoScenarioFor } from './demo-scenarios';
import type { FrameTelemetry } from './frame-telemetry';
import { familyOf, messageRefusal, setupRefusal, type Refusal, type SimulatedFamily } from './live-model-rules';
import type { ConversationPosition, SimulatedSessionRecord } from './session-record';
import { SimulatedAgentSession } from './simulated-agent-session';

/**
 * The SDK asks for `<base>/ws/google.ai.generativelanguage.<version>.GenerativeService.BidiGenerateContent?key=...`;
 * the Live API is served on v1beta only, as documented.
 */
const BIDI_PATH = /^\/+ws\/google\.ai\.generativelanguage\.v1beta\.GenerativeService\.BidiGenerateContent$/;

export interface GeminiSimulatorOptions {
  log: Logger;
  speed?: number;
  /** Load testing: every session is timed and counted here, keyed by the prompt's `#call:<key>`. */
  telemetry?: FrameTelemetry;
}

/**
 * A WebSocket server speaking Gemini Live's BidiGenerateContent protocol, for the real
 * @google/genai SDK (pointed here with `httpOptions.baseUrl`). The SDK's URL path begins with
 * `//ws/`, so the route is matched by hand. Sessions follow scripted scenarios.
 */
export class GeminiLiveSimulator {
  readonly sessions: SimulatedSessionRecord[] = [];
  readonly scenarios = new Map<string, AgentScenario>();
  /** Every request refused, as the service would have closed it. */
  readonly refusals: Refusal[] = [];
  /** `generateContent` on the same address, as the real API serves both. */
  readonly text: TextModelSimulator;
  /** Answer every upgrade with 503, as an unreachable Gemini would fail. */
  refuseConnections = false;
  speed: number;
  private readonly conversations = new Map<string, ConversationPosition>();
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly log: Logger;

  constructor(private readonly options: GeminiSimulatorOptions) {
    this.log = options.log.child({ component: 'gemini-live-simulator' });
    this.speed = options.speed ?? 1;
    this.text = new TextModelSimulator(this.log);
    // Plain requests are generateContent (the text models); upgrades, the Live API.
    this.server = createServer((req, res) => this.text.handle(req, res));
    this.server.on('upgrade', (req, socket, head) => {
      // Parsed by hand: WHATWG URL would read the `//ws/...` path as a host name.
      const [path, query = ''] = (req.url ?? '/').split('?');
      if (!BIDI_PATH.test(path) || !new URLSearchParams(query).get('key')) {
        socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      if (this.refuseConnections) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, host, resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private accept(ws: WebSocket): void {
    let session: SimulatedAgentSession | undefined;
    ws.on('message', (data) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(data.toString()) as Record<string, unknown>;
      } catch {
        return ws.close(1007, 'invalid JSON');
      }
      if (session) {
        const refusal = messageRefusal(session.family, message);
        return refusal ? this.refuse(ws, refusal) : session.handle(message);
      }
      const setup = message.setup as Record<string, unknown> | undefined;
      if (!setup) return ws.close(1008, 'setup must come first');
      const family = familyOf(setup);
      if (typeof family !== 'string') return this.refuse(ws, family);
      const refusal = setupRefusal(family, setup);
      if (refusal) return this.refuse(ws, refusal);
      session = this.start(ws, setup, family);
    });
    ws.on('close', () => session?.close());
  }

  /** Closes as the service does on a request it refuses, and remembers it for tests. */
  private refuse(ws: WebSocket, refusal: Refusal): void {
    this.refusals.push(refusal);
    this.log.debug(refusal, 'simulated Gemini refused a request');
    ws.close(refusal.code, refusal.reason);
  }

  private start(
    ws: WebSocket,
    setup: Record<string, unknown>,
    family: SimulatedFamily,
  ): SimulatedAgentSession | undefined {
    const handle = (setup.sessionResumption as { handle?: string } | undefined)?.handle;
    const known = handle ? this.conversations.get(handle) : undefined;
    if (handle && !known) {
      ws.close(1008, 'session not found');
      return undefined;
    }
    const instruction = ((setup.systemInstruction as { parts?: { text?: string }[] } | undefined)?.parts ?? [])
      .map((p) => p.text ?? '')
      .join('');
    const scenario = this.scenarios.get(scenarioName(instruction) ?? '') ?? demoScenarioFor(setup, instruction);
    const state: ConversationPosition = known ?? { calleeTurn: 0, agentTurns: 0, fired: new Set() };
    const record: SimulatedSessionRecord = {
      setup,
      resumedFrom: handle,
      audioChunksReceived: 0,
      textTurns: [],
      toolResponses: [],
      audioStreamEnded: false,
      interruptedAt: [],
    };
    this.sessions.push(record);
    const send = (message: object) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(message));
    const rememberAs = (newHandle: string) => {
      this.conversations.set(newHandle, state);
      send({ sessionResumptionUpdate: { newHandle, resumable: true } });
    };
    const telemetryKey = /#call:(\S+)/.exec(instruction)?.[1];
    const telemetry =
      this.options.telemetry && telemetryKey ? { report: this.options.telemetry, key: telemetryKey } : undefined;
    const session = new SimulatedAgentSession({
      ws,
      family,
      scenario,
      state,
      record,
      speed: this.speed,
      log: this.log,
      onTurn: (newHandle) => {
        rememberAs(newHandle);
        this.connectionEvents(ws, scenario, state);
      },
      telemetry,
    });
    const setUp = () => {
      send({ setupComplete: {} });
      rememberAs(`handle_${randomBytes(8).toString('hex')}`);
    };
    // A scenario may answer the set-up late, or never (an overloaded service).
    if (scenario.setupDelayMs === undefined) setUp();
    else if (Number.isFinite(scenario.setupDelayMs)) setTimeout(setUp, scenario.setupDelayMs / this.speed);
    return session;
  }

  /** Scripted trouble after a given number of agent turns, once per conversation. */
  private connectionEvents(ws: WebSocket, scenario: AgentScenario, state: ConversationPosition): void {
    const once = (name: string, turns: number | undefined) =>
      turns === state.agentTurns && !state.fired.has(name) && state.fired.add(name);
    if (once('goAway', scenario.goAwayAfterTurns)) {
      ws.send(JSON.stringify({ goAway: { timeLeft: '5s' } }));
      setTimeout(() => ws.close(1000, 'going away'), 1000 / this.speed);
    }
    if (once('drop', scenario.dropAfterTurns)) ws.terminate();
    if (once('fail', scenario.failAfterTurns)) {
      for (const [handle, conversation] of this.conversations)
        if (conversation === state) this.conversations.delete(handle);
      ws.close(1011, 'internal error');
    }
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
