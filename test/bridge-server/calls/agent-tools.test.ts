import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_SCENARIO } from '../../../bridge-server/src/sandbox/agent-scenario';
import { humanScript } from '../../../bridge-server/src/sandbox/callee-script';
import type { CallEvent, CallResource } from '../../../bridge-server/src/shared/wire-types';
import { verifyBridgeSignature } from '../../../nodes/shared/webhook-signature';
import { startTestBridge, type TestBridge } from '../../support/sandbox-bridge';

const SECRET = 'tool-secret-0123456789';

interface ToolServer {
  url: string;
  requests: { headers: IncomingMessage['headers']; body: string }[];
  close(): Promise<void>;
}

/** A tool endpoint that answers after `delayMs` with `reply` (the n8n workflow's part, here). */
async function toolServer(reply: (body: any) => unknown, delayMs: number, status = 200): Promise<ToolServer> {
  const requests: ToolServer['requests'] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    requests.push({ headers: req.headers, body });
    setTimeout(() => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(reply(JSON.parse(body))));
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tool`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function longestGapMs(playedAt: number[], fromMs: number, toMs: number): number {
  const inWindow = playedAt.filter((at) => at >= fromMs && at <= toMs);
  let longest = 0;
  for (let i = 1; i < inWindow.length; i++) longest = Math.max(longest, inWindow[i] - inWindow[i - 1]);
  return longest;
}

/** The agent's own tools, run mid-call against a simulated Gemini that calls them as the Live API does. */
describe('agent tools mid-call', () => {
  let t: TestBridge;
  let nextNumber = 4000;

  beforeAll(async () => {
    // Real time: the tool's 1 s is the caller's 1 s.
    t = await startTestBridge({ SANDBOX_SPEED: '1' });
  });

  afterAll(async () => {
    await t.close();
  });

  async function call(scenario: string, tools: unknown[]) {
    const to = `+1555444${nextNumber++}`;
    t.sandbox.carrier!.scripts.set(to, humanScript());
    const placed = await t.placeCall({
      to,
      mode: 'agent',
      agent: { prompt: `You confirm appointments. #scenario:${scenario}`, greeting: 'Hi, this is Ava.', tools },
    });
    const ended: CallResource = await t.waitForEnd(placed.id, 60_000);
    const stream = t.sandbox.carrier!.calls.get(ended.twilioCallSid ?? '')?.stream;
    const sessions = t.sandbox.gemini!.sessions.filter((s) =>
      JSON.stringify(s.setup).includes(`#scenario:${scenario}`),
    );
    return { call: ended, stream, sessions };
  }

  it("runs a tool while the agent keeps talking: the reply is in the agent's next words and the transcript, with no gap over 1.5 s at the callee", async () => {
    const tool = await toolServer(() => ({ status: 'shipped', eta: 'Thursday' }), 1000);
    t.sandbox.gemini!.scenarios.set('order-lookup', {
      ...DEMO_SCENARIO,
      toolSteps: [
        {
          afterLine: 0,
          name: 'lookup_order',
          args: { orderId: 'A-1001' },
          filler: 'One moment while I look up your order, this will only take a second.',
          answer: (response) =>
            `Your order ${JSON.stringify((response.output as { status: string }).status)} and arrives Thursday.`,
          thenEndCall: false,
        },
      ],
    });
    try {
      const {
        call: ended,
        stream,
        sessions,
      } = await call('order-lookup', [
        {
          name: 'lookup_order',
          description: 'Looks up an order by its id.',
          parameters: { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] },
          url: tool.url,
          secret: SECRET,
        },
      ]);
      // The request: signed, idempotent per tool call, with the call's context.
      expect(tool.requests).toHaveLength(1);
      const request = tool.requests[0];
      const body = JSON.parse(request.body);
      expect(verifyBridgeSignature(SECRET, request.body, String(request.headers['x-voice-bridge-signature']))).toBe(
        true,
      );
      expect(request.headers['idempotency-key']).toBe(`${ended.id}:${body.id}`);
      expect(body).toMatchObject({ tool: 'lookup_order', arguments: { orderId: 'A-1001' }, call: { id: ended.id } });
      // Declared NON_BLOCKING on 3.8; the response is scheduled for when the agent is idle.
      const declarations = (sessions[0].setup.tools as any[])[0].functionDeclarations;
      expect(declarations.find((d: any) => d.name === 'lookup_order')).toMatchObject({ behavior: 'NON_BLOCKING' });
      const response = sessions.flatMap((s) => s.toolResponses).find((r) => r.name === 'lookup_order');
      expect(response?.response).toEqual({ output: { status: 'shipped', eta: 'Thursday' } });
      // The transcript: the tool entry, then the agent's words with the result.
      const toolEntry = ended.transcript.find((entry) => entry.kind === 'tool')!;
      expect(toolEntry.tool).toMatchObject({
        name: 'lookup_order',
        source: 'webhook',
        result: { status: 'shipped', eta: 'Thursday' },
      });
      const after = ended.transcript.filter(
        (entry) => entry.speaker === 'agent' && entry.kind !== 'tool' && entry.startMs > toolEntry.startMs,
      );
      expect(after.map((entry) => entry.text).join(' ')).toContain('Your order "shipped" and arrives Thursday.');
      // No dead air while the tool ran: the filler covers it and the answer follows.
      const gap = longestGapMs(stream!.stats.agentPlayedAtMs, toolEntry.startMs, toolEntry.endMs + 1500);
      expect(toolEntry.endMs - toolEntry.startMs).toBeGreaterThanOrEqual(1000);
      expect(gap).toBeLessThan(1500);
      console.log(
        `tool round trip ${toolEntry.tool!.durationMs} ms; longest silence at the callee while it ran ${gap} ms`,
      );
    } finally {
      await tool.close();
    }
  });
});
