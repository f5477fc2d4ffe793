import type { LiveServerMessage } from '@google/genai';

/**
 * What a Gemini Live session says, in the conversation's terms. One server message may carry
 * several of these; they come out in the order the conversation must act on them: a barge-in
 * before any new audio, audio before the words that go with it, the turn's end after both.
 */
export type AgentEvent =
  /** Base64 PCM16 LE at 24 kHz, any length. */
  | { type: 'audio'; data: string }
  /** The caller spoke over the agent: what is still playing must stop now. */
  | { type: 'interrupted' }
  /** A fragment of the transcription of the agent's speech. */
  | { type: 'agent-words'; text: string }
  /** A fragment of the transcription of the caller's speech. */
  | { type: 'caller-words'; text: string }
  /** The agent's turn has all been sent. */
  | { type: 'turn-complete' }
  | { type: 'tool-call'; id: string; name: string; args: Record<string, unknown> }
  | { type: 'tool-cancelled'; ids: string[] }
  /** The session is gone for good (unreachable, or lost with no way to resume). */
  | { type: 'failed'; error: Error };

export type AgentEventListener = (event: AgentEvent) => void;

/** The events in one server message, in the order above. */
export function agentEventsOf(message: LiveServerMessage): AgentEvent[] {
  const events: AgentEvent[] = [];
  const content = message.serverContent;
  if (content?.interrupted) events.push({ type: 'interrupted' });
  for (const part of content?.modelTurn?.parts ?? [])
    if (part.inlineData?.data) events.push({ type: 'audio', data: part.inlineData.data });
  if (content?.outputTranscription?.text) events.push({ type: 'agent-words', text: content.outputTranscription.text });
  if (content?.inputTranscription?.text) events.push({ type: 'caller-words', text: content.inputTranscription.text });
  if (content?.turnComplete) events.push({ type: 'turn-complete' });
  for (const call of message.toolCall?.functionCalls ?? [])
    events.push({ type: 'tool-call', id: call.id ?? '', name: call.name ?? '', args: call.args ?? {} });
  const cancelled = message.toolCallCancellation?.ids ?? [];
  if (cancelled.length > 0) events.push({ type: 'tool-cancelled', ids: cancelled });
  return events;
}
