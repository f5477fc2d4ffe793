import type { LiveServerMessage } from '@google/genai';
import { agentEventsOf } from '../../../bridge-server/src/agent/live-events';

describe('agentEventsOf: a Gemini Live server message in the conversation’s terms', () => {
  it('puts a barge-in before new audio, audio before its words, and the turn’s end last', () => {
    const message = {
      serverContent: {
        turnComplete: true,
        inputTranscription: { text: 'yes' },
        outputTranscription: { text: 'Hello' },
        modelTurn: { parts: [{ inlineData: { data: 'AAAA', mimeType: 'audio/pcm;rate=24000' } }, { text: 'x' }] },
        interrupted: true,
      },
    } as unknown as LiveServerMessage;
    expect(agentEventsOf(message).map((e) => e.type)).toEqual([
      'interrupted',
      'audio',
      'agent-words',
      'caller-words',
      'turn-complete',
    ]);
  });

  it('turns tool calls and their cancellation into events with ids, names and arguments', () => {
    const events = agentEventsOf({
      toolCall: { functionCalls: [{ id: 'fc_1', name: 'end_call', args: { reason: 'done' } }] },
      toolCallCancellation: { ids: ['fc_0'] },
    } as unknown as unknown as LiveServerMessage);
    expect(events).toEqual([
      { type: 'tool-call', id: 'fc_1', name: 'end_call', args: { reason: 'done' } },
      { type: 'tool-cancelled', ids: ['fc_0'] },
    ]);
  });

  it('gives nothing for set-up, resumption and goAway messages, which the session handles itself', () => {
    expect(agentEventsOf({ setupComplete: {} } as unknown as unknown as LiveServerMessage)).toEqual([]);
    expect(
      agentEventsOf({
        sessionResumptionUpdate: { newHandle: 'h', resumable: true },
      } as unknown as unknown as LiveServerMessage),
    ).toEqual([]);
    expect(agentEventsOf({ goAway: { timeLeft: '10s' } } as unknown as unknown as LiveServerMessage)).toEqual([]);
  });
});
