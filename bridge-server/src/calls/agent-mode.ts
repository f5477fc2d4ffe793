import type { AgentConnector } from '../agent/agent-connector';
import type { PolicyFetch } from '../delivery/policy-fetch';
import type { CallRecord } from '../model/call-record';
import type { Logger } from '../shared/logger';
import { AgentConversation } from './agent-conversation';
import { CallToolbox } from './call-toolbox';
import type { Conversation, ConversationContext } from './media-port';

/** After the answer, how often a pre-warmed session asks where its stream went. */
const STREAM_CHECK_MS = 1000;

/**
 * Agent calls on this instance: at placement the call's tools are gathered (MCP servers listed)
 * and its Gemini session opened while the phone rings; at stream start the conversation takes
 * both (or makes its own, when the stream landed on another instance). A pre-warmed session whose
 * stream went to another instance is closed within a second of that stream's start (`streamedElsewhere`),
 * so it holds no Gemini session for the rest of the call.
 */
export class AgentMode {
  private readonly toolboxes = new Map<string, { toolbox: CallToolbox; expiry: NodeJS.Timeout }>();

  constructor(
    readonly connector: AgentConnector,
    private readonly fetch: PolicyFetch,
    private readonly log: Logger,
    private readonly streamedElsewhere: (callId: string) => Promise<boolean> = async () => false,
  ) {}

  prewarm(call: CallRecord): void {
    if (call.mode !== 'agent' || !call.agent || this.toolboxes.has(call.id)) return;
    const toolbox = new CallToolbox(call, this.fetch, this.log.child({ callId: call.id }));
    // An unanswered call never claims its toolbox.
    const expiry = setTimeout(() => this.take(call.id)?.close(), (call.ringTimeoutSec + 60) * 1000);
    expiry.unref();
    this.toolboxes.set(call.id, { toolbox, expiry });
    this.connector.prewarm(call, toolbox.declared);
    this.lookForStream(call.id);
  }

  greet(callId: string): void {
    this.connector.greet(callId);
  }

  /**
   * Looks, each second until the stream is claimed here, whether it went to another instance;
   * then the pre-warmed session (its greeting perhaps already asked for) is closed.
   */
  private lookForStream(callId: string): void {
    setTimeout(async () => {
      const elsewhere = await this.streamedElsewhere(callId).catch(() => false);
      if (!this.toolboxes.has(callId)) return; // claimed here meanwhile (or expired)
      if (!elsewhere) return this.lookForStream(callId);
      this.log.debug({ callId }, 'the stream went to another instance: closing the pre-warmed session');
      this.take(callId)?.close();
      this.connector.drop(callId);
    }, STREAM_CHECK_MS).unref();
  }

  private take(callId: string): CallToolbox | undefined {
    const held = this.toolboxes.get(callId);
    if (!held) return undefined;
    this.toolboxes.delete(callId);
    clearTimeout(held.expiry);
    return held.toolbox;
  }

  conversation(context: ConversationContext): Conversation {
    const toolbox = this.take(context.call.id) ?? new CallToolbox(context.call, this.fetch, context.log);
    return new AgentConversation(context, { connector: this.connector, toolbox });
  }

  close(): void {
    for (const callId of [...this.toolboxes.keys()]) this.take(callId)?.close();
    this.connector.close();
  }
}
