import type { z } from 'zod';
import { newWebhookSecret } from '../delivery/webhook-signature';
import { BridgeError, parsePathParam, parseRequestBody } from '../shared/errors';
import type { AgentSettings, RegisteredTool } from '../shared/wire-types';
import type { StoredTool, ToolRegistry } from '../store/tool-registry';
import { registeredToolSchema, toolNameSchema } from './agent-tools-request';

/** A registered tool as the API shows it: everything but the secret. */
export type ToolView = RegisteredTool;

function view({ secret: _secret, ...visible }: StoredTool): ToolView {
  return visible;
}

/**
 * `/v1/tools`: tools registered by name (the Voice Agent Tool trigger does it on publish), for
 * calls to use by name. Registering again replaces the definition; the secret is returned
 * once, on registration, and signs every request to the tool.
 */
export class RegisteredTools {
  readonly bodySchema: ReturnType<typeof registeredToolSchema>;

  constructor(
    private readonly registry: ToolRegistry,
    url: z.ZodType<string>,
  ) {
    this.bodySchema = registeredToolSchema(url);
  }

  private name(value: unknown): string {
    return parsePathParam(toolNameSchema, value, 'name', 'tool name');
  }

  async register(nameParam: unknown, body: unknown): Promise<ToolView & { secret: string }> {
    const name = this.name(nameParam);
    const request = parseRequestBody(this.bodySchema, body, 'tool');
    const tool: StoredTool = {
      ...request,
      name,
      secret: request.secret ?? newWebhookSecret(),
      registeredAt: new Date().toISOString(),
    };
    await this.registry.put(tool);
    return { ...view(tool), secret: tool.secret };
  }

  async list(): Promise<ToolView[]> {
    return (await this.registry.list()).map(view);
  }

  async remove(nameParam: unknown): Promise<void> {
    if (!(await this.registry.delete(this.name(nameParam)))) throw new BridgeError('TOOL_NOT_FOUND');
  }
}

/**
 * An agent's `registeredTools` resolved into its own `tools` (as registered now), or what is
 * wrong: names not registered, or also among its own tools.
 */
export async function withRegisteredTools(
  registry: ToolRegistry,
  agent: AgentSettings,
): Promise<{ agent: AgentSettings } | { problems: string[] }> {
  const names = agent.registeredTools ?? [];
  if (names.length === 0) return { agent };
  const found = await registry.get(names);
  const own = new Set((agent.tools ?? []).map((tool) => tool.name));
  const problems = [
    ...names.filter((name) => !found.some((tool) => tool.name === name)).map((name) => `${name} is not registered`),
    ...names.filter((name) => own.has(name)).map((name) => `${name} is also one of agent.tools`),
  ];
  if (problems.length > 0) return { problems };
  const registered = found.map(({ registeredAt: _registeredAt, ...tool }) => tool);
  return { agent: { ...agent, tools: [...(agent.tools ?? []), ...registered] } };
}
