import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { DEMO_SCENARIO } from '../../../bridge-server/src/sandbox/agent-scenario';
import type { CallResource } from '../../../bridge-server/src/shared/wire-types';
import { startTestBridge, type TestBridge } from '../../support/sandbox-bridge';

const TOKEN = 'Bearer mcp-test-token';

/** An MCP server made with the official SDK (Streamable HTTP, stateful), requiring a bearer token. */
async function mcpServer(): Promise<{ url: string; calls: { day: string }[]; close(): Promise<void> }> {
  const calls: { day: string }[] = [];
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const server: Server = createServer(async (req, res) => {
    if (req.headers.authorization !== TOKEN) return void res.writeHead(401).end();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
    const sessionId = req.headers['mcp-session-id'] as string | undefined;
    let transport = sessionId ? transports.get(sessionId) : undefined;
    if (!transport) {
      const created = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => void transports.set(id, created),
      });
      const mcp = new McpServer({ name: 'clinic-calendar', version: '1.0.0' });
      // The SDK's zod generics are too deep for the compiler here; the schema is what matters.
      const inputSchema: Record<string, z.ZodTypeAny> = { day: z.string() };
      const register = mcp.registerTool.bind(mcp) as (
        name: string,
        config: { description: string; inputSchema: Record<string, z.ZodTypeAny> },
        handler: (args: { day: string }) => Promise<{ content: { type: 'text'; text: string }[] }>,
      ) => void;
      register(
        'check_availability',
        { description: 'Free appointment slots on a day.', inputSchema },
        async ({ day }) => {
          calls.push({ day });
          return { content: [{ type: 'text', text: `On ${day} the 3 pm slot is free.` }] };
        },
      );
      await mcp.connect(created);
      transport = created;
    }
    await transport.handleRequest(req, res, body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    calls,
    close: async () => {
      for (const transport of transports.values()) await transport.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('MCP servers as the agent’s tools', () => {
  let t: TestBridge;

  beforeAll(async () => {
    t = await startTestBridge();
  });

  afterAll(async () => {
    await t.close();
  });

  it('lists the server’s tools while the phone rings, declares them, and forwards the agent’s call over MCP', async () => {
    const mcp = await mcpServer();
    t.sandbox.gemini!.scenarios.set('mcp-calendar', {
      ...DEMO_SCENARIO,
      toolSteps: [
        { afterLine: 0, name: 'check_availability', args: { day: 'Tuesday' }, filler: 'Let me look at the calendar.' },
      ],
    });
    try {
      const placed = await t.placeCall({
        to: '+15554447001',
        mode: 'agent',
        agent: {
          prompt: 'You book appointments. #scenario:mcp-calendar',
          mcpServers: [{ url: mcp.url, headers: { Authorization: TOKEN } }],
        },
      });
      const ended: CallResource = await t.waitForEnd(placed.id, 60_000);
      const session = t.sandbox.gemini!.sessions.find((s) =>
        JSON.stringify(s.setup).includes('#scenario:mcp-calendar'),
      )!;
      const declared = (session.setup.tools as any[])[0].functionDeclarations.find(
        (d: any) => d.name === 'check_availability',
      );
      expect(declared).toMatchObject({ description: 'Free appointment slots on a day.', behavior: 'NON_BLOCKING' });
      expect(declared.parametersJsonSchema.properties).toEqual({ day: { type: 'string' } });
      expect(mcp.calls).toEqual([{ day: 'Tuesday' }]);
      const use = ended.transcript.find((entry) => entry.kind === 'tool');
      expect(use?.tool).toMatchObject({
        name: 'check_availability',
        source: 'mcp',
        result: 'On Tuesday the 3 pm slot is free.',
      });
      expect(ended.transcript.map((entry) => entry.text)).toContain(
        'Let me look at the calendar. On Tuesday the 3 pm slot is free.',
      );
      // The settings never show the server's credentials.
      const settings = await t.api(`/v1/calls/${ended.id}/settings`, { headers: { authorization: 'Bearer x' } });
      expect(JSON.stringify(settings.body)).not.toContain('mcp-test-token');
    } finally {
      await mcp.close();
    }
  });
});
