import type { SpeechClient } from '@google-cloud/speech';
import type { CallMode } from '../shared/wire-types';
import type { AgentMode } from './agent-mode';
import type { ConversationFactory } from './media-port';
import { TranscribeConversation } from './transcribe-conversation';

/** What runs on a call of each mode this bridge is configured for (a mode left out is refused). */
export function conversationFactories(
  agents: AgentMode | undefined,
  speech: { client: SpeechClient; model?: string } | undefined,
): Partial<Record<CallMode, ConversationFactory>> {
  return {
    ...(agents ? { agent: (context) => agents.conversation(context) } : {}),
    ...(speech
      ? { transcribe: (context) => new TranscribeConversation(context, speech.client, { model: speech.model }) }
      : {}),
  };
}
