import type { DeclaredTool } from '../agent/tool-declarations';
import { McpToolServer } from '../delivery/mcp-tools';
import type { PolicyFetch } from '../delivery/policy-fetch';
import { callToolWebhook, type ToolReply } from '../delivery/tool-webhook';
import type { CallRecord } from '../model/call-record';
import type { Logger } from '../shared/logger';
import { withDeadline } from '../shared/with-deadline';
import type { AgentTool, ToolUse } from '../shared/wire-types';
import { TOOL_LIMITS } from './agent-tools-request';

/** Listing an MCP server's tools (while the phone rings) may take this long; past it, the call goes on without them. */
const MCP_LIST_TIMEOUT_MS = 4000;

type Runner =
  | { source: 'webhook'; tool: AgentTool & { secret?: string } }
  | { source: 'mcp'; server: McpToolServer; timeoutMs: number };

/**
 * The tools of one call's agent, its own and its MCP servers': what to declare to the model
 * (MCP tools are listed once, at set-up, with a deadline) and how to run each call. A tool
 * that fails, times out or is unknown gives the model an error to say, never an exception.
 */
export class CallToolbox {
  readonly declared: Promise<DeclaredTool[]>;
  private readonly runners = new Map<string, Runner>();
  private readonly servers: McpToolServer[] = [];

  constructor(
    private readonly call: CallRecord,
    private readonly fetch: PolicyFetch,
    private readonly log: Logger,
  ) {
    const own = (call.agent?.tools ?? []) as (AgentTool & { secret?: string })[];
    for (const tool of own) this.runners.set(tool.name, { source: 'webhook', tool });
    const declaredOwn: DeclaredTool[] = own.map((tool) => ({
      name: tool.name,
      description: tool.description,
      parameters: tool.parameters,
      keepTalking: tool.keepTalking ?? true,
    }));
    this.declared = this.listMcpTools().then((mcp) => [...declaredOwn, ...mcp]);
  }

  private async listMcpTools(): Promise<DeclaredTool[]> {
    const declared: DeclaredTool[] = [];
    for (const settings of this.call.agent?.mcpServers ?? []) {
      const server = new McpToolServer(settings, this.fetch);
      this.servers.push(server);
      try {
        const tools = await withDeadline(
          server.listTools(MCP_LIST_TIMEOUT_MS),
          MCP_LIST_TIMEOUT_MS,
          'listing took too long',
        );
        for (const tool of tools) {
          if (this.runners.has(tool.name)) continue;
          this.runners.set(tool.name, { source: 'mcp', server, timeoutMs: TOOL_LIMITS.timeoutSec.default * 1000 });
          declared.push({ ...tool, keepTalking: true });
        }
        this.log.info({ tools: tools.map((tool) => tool.name) }, 'MCP server tools listed');
      } catch (error) {
        this.log.warn({ err: error }, "could not list an MCP server's tools; the call goes on without them");
      }
    }
    return declared;
  }

  /** Whether `name` is one of this call's tools (not a built-in). */
  has(name: string): boolean {
    return this.runners.has(name);
  }

  source(name: string): ToolUse['source'] {
    return this.runners.get(name)?.source ?? 'webhook';
  }

  async run(id: string, name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<ToolReply> {
    const runner = this.runners.get(name);
    if (!runner) return { error: `there is no tool named ${name}` };
    if (runner.source === 'mcp') return runner.server.callTool(name, args, runner.timeoutMs, signal);
    const { call } = this;
    return callToolWebhook(
      this.fetch,
      {
        url: runner.tool.url,
        secret: runner.tool.secret ?? '',
        timeoutMs: (runner.tool.timeoutSec ?? TOOL_LIMITS.timeoutSec.default) * 1000,
      },
      { id, tool: name, input: args, call: { id: call.id, to: call.to, from: call.from, metadata: call.metadata } },
      signal,
    );
  }

  close(): void {
    for (const server of this.servers) void server.close();
  }
}
