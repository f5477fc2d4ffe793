import { DEMO_SCENARIO } from '../../../bridge-server/src/sandbox/agent-scenario';
import { humanScript } from '../../../bridge-server/src/sandbox/callee-script';
import type { CallResource } from '../../../bridge-server/src/shared/wire-types';
import { verifyBridgeSignature } from '../../../nodes/shared/webhook-signature';
import { jsonEndpoint as toolServer } from '../../support/json-endpoint';
import { readEvents, startTestBridge, type TestBridge } from '../../support/sandbox-bridge';

const SECRET = 'tool-secret-0123456789';

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
      expect(body).toMatchObject({ tool: 'lookup_order', input: { orderId: 'A-1001' }, call: { id: ended.id } });
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
      // ... and a call.tool event with the use.
      const toolEvents = (await readEvents(t.prefix)).filter((e) => e.call.id === ended.id && e.type === 'call.tool');
      expect(toolEvents.map((e) => e.tool)).toEqual([toolEntry.tool]);
      const after = ended.transcript.filter(
        (entry) => entry.speaker === 'agent' && entry.kind !== 'tool' && entry.startMs > toolEntry.startMs,
      );
      expect(after.map((entry) => entry.text).join(' ')).toContain('Your order "shipped" and arrives Thursday.');
      // No dead air while the tool ran: the filler covers it and the answer follows.
      const gap = longestGapMs(stream!.stats.agentPlayedAtMs, toolEntry.startMs, toolEntry.endMs + 1500);
      expect(toolEntry.endMs - toolEntry.startMs).toBeGreaterThanOrEqual(1000);
      expect(gap).toBeLessThan(1500);
      process.stdout.write(
        `tool round trip ${toolEntry.tool!.durationMs} ms; longest silence at the callee while it ran ${gap} ms\n`,
      );
    } finally {
      await tool.close();
    }
  });

  it('tells the model a tool failed, or timed out, and the agent says so; the transcript records why', async () => {
    const failing = await toolServer(() => ({ message: 'database down' }), 0, 500);
    const slow = await toolServer(() => ({ ok: true }), 3000);
    t.sandbox.gemini!.scenarios.set('tool-failures', {
      ...DEMO_SCENARIO,
      toolSteps: [
        { afterLine: 0, name: 'check_stock', args: {}, filler: 'Let me check.' },
        { afterLine: 1, name: 'slow_tool', args: {}, filler: 'One more check.', thenEndCall: true },
      ],
    });
    try {
      const { call: ended, sessions } = await call('tool-failures', [
        { name: 'check_stock', description: 'Stock levels.', url: failing.url, secret: SECRET },
        { name: 'slow_tool', description: 'Takes long.', url: slow.url, secret: SECRET, timeoutSec: 1 },
      ]);
      const responses = sessions.flatMap((s) => s.toolResponses);
      expect(responses.find((r) => r.name === 'check_stock')?.response).toEqual({
        error: 'the tool answered HTTP 500',
      });
      expect(responses.find((r) => r.name === 'slow_tool')?.response).toEqual({
        error: 'the tool did not answer within 1 s',
      });
      const uses = ended.transcript.filter((entry) => entry.kind === 'tool').map((entry) => entry.tool);
      expect(uses).toEqual([
        expect.objectContaining({ name: 'check_stock', error: 'the tool answered HTTP 500' }),
        expect.objectContaining({ name: 'slow_tool', error: 'the tool did not answer within 1 s' }),
      ]);
      const words = ended.transcript.map((entry) => entry.text).join(' ');
      expect(words).toContain("I'm sorry, that didn't work: the tool answered HTTP 500.");
    } finally {
      await failing.close();
      await slow.close();
    }
  });

  it("honours the model's toolCallCancellation: the request is aborted, no result is sent, the entry says cancelled", async () => {
    const tool = await toolServer(() => ({ ok: true }), 5000);
    t.sandbox.gemini!.scenarios.set('tool-cancelled', {
      ...DEMO_SCENARIO,
      toolSteps: [
        { afterLine: 0, name: 'book_slot', args: { slot: 'ten' }, filler: 'Booking that now.', cancelAfterMs: 300 },
      ],
    });
    try {
      const { call: ended, sessions } = await call('tool-cancelled', [
        { name: 'book_slot', description: 'Books a slot.', url: tool.url, secret: SECRET },
      ]);
      expect(tool.requests).toHaveLength(1);
      expect(sessions.flatMap((s) => s.toolResponses).filter((r) => r.name === 'book_slot')).toEqual([]);
      const use = ended.transcript.find((entry) => entry.kind === 'tool');
      expect(use?.tool).toMatchObject({ name: 'book_slot', cancelled: true });
      expect(use?.text).toBe('book_slot({"slot":"ten"}) → cancelled');
    } finally {
      await tool.close();
    }
  });

  it('refuses bad tool definitions with 400, every problem listed', async () => {
    const { status, body } = await t.api('/v1/calls', {
      method: 'POST',
      json: {
        to: '+15554440999',
        mode: 'agent',
        agent: {
          prompt: 'Hi',
          tools: [
            { name: '9lives', description: 'Bad name.', url: 'http://127.0.0.1:9/x', secret: SECRET },
            { name: 'end_call', description: 'Taken.', url: 'http://127.0.0.1:9/x', secret: SECRET },
            {
              name: 'bad_schema',
              description: 'Schema.',
              parameters: { type: 'string', properties: { 'bad-name': { type: 'string' } } },
              url: 'http://169.254.169.254/latest',
              secret: 'short',
            },
            { name: 'twice', description: 'One.', url: 'http://127.0.0.1:9/x', secret: SECRET },
            { name: 'twice', description: 'Two.', url: 'ftp://example.com/x', secret: SECRET },
          ],
          mcpServers: [{ url: 'http://metadata.google.internal/mcp' }],
        },
      },
    });
    expect(status).toBe(400);
    expect(body.error.code).toBe('VALIDATION_FAILED');
    const problems = body.error.details.map((d: { field: string; problem: string }) => `${d.field}: ${d.problem}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^agent\.tools\.0\.name: must start with a letter/),
        'agent.tools.1.name: is the name of a built-in tool',
        'agent.tools.2.parameters: must be an object schema ("type": "object")',
        expect.stringMatching(/^agent\.tools\.2\.parameters: parameter name "bad-name"/),
        expect.stringMatching(/^agent\.tools\.2\.url: .*(link-local|metadata)/),
        'agent.tools.2.secret: must be at least 16 characters',
        'agent.tools.4.name: twice is defined twice',
        'agent.tools.4.url: must be an http or https URL',
        expect.stringMatching(/^agent\.mcpServers\.0\.url: is a cloud metadata service/),
      ]),
    );
  });
});
