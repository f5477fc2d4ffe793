import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { McpServerSettings } from '../shared/wire-types';
import type { PolicyFetch } from './policy-fetch';
import type { ToolReply } from './tool-webhook';

/** A tool an MCP server offers, as its `tools/list` describes it. */
export interface McpTool {
  name: string;
  description: string;
  parameters?: Record<string, unknown>;
}

/**
 * One call's connection to one MCP server (Streamable HTTP), through the official MCP SDK and
 * the target policy's fetch: `tools/list` at set-up, `tools/call` per tool call.
 */
export class McpToolServer {
  private readonly client = new Client({ name: 'voice-bridge', version: '0.1.0' });
  private connected?: Promise<void>;

  constructor(
    private readonly settings: McpServerSettings,
    private readonly fetch: PolicyFetch,
  ) {}

  private connect(): Promise<void> {
    this.connected ??= this.client.connect(
      new StreamableHTTPClientTransport(new URL(this.settings.url), {
        fetch: this.fetch,
        requestInit: { headers: this.settings.headers ?? {} },
      }),
    );
    return this.connected;
  }

  async listTools(timeoutMs: number): Promise<McpTool[]> {
    await this.connect();
    const tools: McpTool[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.client.listTools(cursor ? { cursor } : undefined, { timeout: timeoutMs });
      for (const tool of page.tools)
        tools.push({
          name: tool.name,
          description: tool.description ?? tool.title ?? tool.name,
          parameters: tool.inputSchema as Record<string, unknown>,
        });
      cursor = page.nextCursor;
    } while (cursor);
    return tools;
  }

  async callTool(
    name: string,
    args: Record<string, unknown>,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<ToolReply> {
    try {
      await this.connect();
      const result = await this.client.callTool({ name, arguments: args }, undefined, { timeout: timeoutMs, signal });
      const text = Array.isArray(result.content)
        ? result.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n')
        : '';
      const value = result.structuredContent ?? text;
      return result.isError ? { error: text || 'the MCP tool reported an error' } : { result: value };
    } catch (error) {
      return { error: `the MCP server failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => undefined);
  }
}
