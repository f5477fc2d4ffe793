import { Behavior, type FunctionDeclaration } from '@google/genai';
import type { AgentSettings } from '../shared/wire-types';
import { END_CALL_TOOL, PRESS_KEYS_TOOL, transferTool } from './built-in-tools';
import type { ModelProfile } from './model-profiles';

/** A tool as the model is told of it: from the call's own tools or an MCP server's. */
export interface DeclaredTool {
  name: string;
  description: string;
  parameters?: Record<string, unknown>;
  /** The agent keeps talking while it runs (the model's async mode, where it has one). */
  keepTalking: boolean;
}

/**
 * The function declarations of one call's session: the built-ins the call enables, then its
 * tools. On families with async calls a tool the agent talks over is NON_BLOCKING and one it
 * waits for is BLOCKING; other families take no `behavior` at all (they are blocking only).
 */
export function toolDeclarations(
  agent: AgentSettings,
  tools: readonly DeclaredTool[],
  profile: ModelProfile,
): FunctionDeclaration[] {
  // The model waits for these: a transfer must follow the announcement, a menu's reply the keys.
  const blocking = profile.asyncFunctionCalls ? { behavior: Behavior.BLOCKING } : {};
  const declarations: FunctionDeclaration[] = [END_CALL_TOOL];
  if (agent.transfer)
    declarations.push({ ...transferTool(agent.transfer.mode === 'warm', agent.transfer.announce), ...blocking });
  if (agent.pressKeys) declarations.push({ ...PRESS_KEYS_TOOL, ...blocking });
  for (const tool of tools)
    declarations.push({
      name: tool.name,
      description: tool.description,
      ...(tool.parameters ? { parametersJsonSchema: tool.parameters } : {}),
      ...(profile.asyncFunctionCalls ? { behavior: tool.keepTalking ? Behavior.NON_BLOCKING : Behavior.BLOCKING } : {}),
    });
  return declarations;
}
