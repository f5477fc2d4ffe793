/**
 * The wire shapes of what a call asks of the agent (tools, MCP servers, transfer) and of the
 * post-call analysis; re-exported by wire-types.ts. Mirrored in nodes/shared/agent-wire-types.ts.
 */

/** A tool the agent may call mid-call: the bridge POSTs a signed request to `url`. */
export interface AgentTool {
  name: string;
  description: string;
  /** JSON Schema of the arguments (an object schema). */
  parameters?: Record<string, unknown>;
  url: string;
  /** Longest wait for the reply (default 10 s). */
  timeoutSec?: number;
  /** The agent keeps talking while the tool runs (default true); false: it waits in silence. */
  keepTalking?: boolean;
  /** Signs the tool's requests; required in a call request, never returned. */
  secret?: string;
}

/** An MCP server whose tools the agent may call (listed while the phone rings). */
export interface McpServerSettings {
  url: string;
  headers?: Record<string, string>;
}

export interface TransferSettings {
  /** The person's number. */
  to: string;
  /** cold: connect at once; warm: the person first hears the agent's summary of the call. */
  mode?: 'cold' | 'warm';
  /** What the agent says to the caller before connecting them. */
  announce?: string;
}

export interface TransferOutcome {
  to: string;
  mode: 'cold' | 'warm';
  /** connecting: dialling; connected: the person answered (the call left the bridge); else why not. */
  outcome: 'connecting' | 'connected' | 'no-answer' | 'busy' | 'failed';
  /** Warm transfers: what the person heard before being connected. */
  summary?: string;
}

export interface AgentSettings {
  prompt: string;
  greeting?: string;
  voice?: string;
  language?: string;
  tools?: AgentTool[];
  /** Names of tools registered with the bridge (`PUT /v1/tools/:name`, the Voice Agent Tool trigger). */
  registeredTools?: string[];
  mcpServers?: McpServerSettings[];
  /** Enables the built-in `transfer_call` tool. */
  transfer?: TransferSettings;
  /** Enables the built-in `press_keys` tool (DTMF tones, for phone menus). */
  pressKeys?: boolean;
}

/** A tool registered with the bridge, for any call to name in `agent.registeredTools`. */
export interface RegisteredTool extends AgentTool {
  registeredAt: string;
}

/** `analysis` in a call request: what the bridge works out from the transcript once the call has ended. */
export interface AnalysisRequest {
  /** A short summary of what was said and agreed. */
  summary?: boolean;
  /** JSON Schema of an object: the fields to fill in from the call, each with its type and description. */
  fields?: Record<string, unknown>;
  /** Extra instructions for the analysis (what matters, the summary's language). */
  prompt?: string;
}

/** The post-call analysis of a call, as Gemini (a text model, structured output) gave it. */
export interface CallAnalysis {
  summary?: string;
  /** The requested fields, as the request's schema typed them. */
  fields?: Record<string, unknown>;
  model: string;
  analyzedAt: string;
}
