import { Modality, Type, type FunctionDeclaration, type LiveConnectConfig } from '@google/genai';
import type { AgentSettings } from '../shared/wire-types';
import { DEFAULT_VOICE } from './voices';

/** Gemini Live session set-up for one call (pure: the tests read it back from the simulator). */

export const END_CALL_TOOL_NAME = 'end_call';

export const END_CALL_TOOL: FunctionDeclaration = {
  name: END_CALL_TOOL_NAME,
  description:
    'Hang up the phone call. Call this only after you have said goodbye; the line is cut once your goodbye has finished playing to the callee.',
  parameters: {
    type: Type.OBJECT,
    properties: { reason: { type: Type.STRING, description: 'Why the call is ending, in a few words.' } },
  },
};

const PHONE_CONTEXT =
  'You are speaking with a person over a phone line. Keep replies short and natural for speech, and never use markdown or lists. When the conversation is over, say goodbye and then call the end_call tool.';

export function liveConnectConfig(
  agent: AgentSettings,
  language: string,
  resumptionHandle?: string,
): LiveConnectConfig {
  return {
    responseModalities: [Modality.AUDIO],
    systemInstruction: { parts: [{ text: `${agent.prompt}\n\n${PHONE_CONTEXT}` }] },
    speechConfig: {
      voiceConfig: { prebuiltVoiceConfig: { voiceName: agent.voice ?? DEFAULT_VOICE } },
      languageCode: language,
    },
    inputAudioTranscription: {},
    outputAudioTranscription: {},
    realtimeInputConfig: {
      automaticActivityDetection: { disabled: false, prefixPaddingMs: 100, silenceDurationMs: 500 },
    },
    // Without compression an audio session is capped at 15 minutes.
    contextWindowCompression: { slidingWindow: {} },
    sessionResumption: resumptionHandle ? { handle: resumptionHandle } : {},
    tools: [{ functionDeclarations: [END_CALL_TOOL] }],
  };
}

/** The turn that makes the agent speak first. */
export function greetingInstruction(greeting: string | undefined): string {
  return greeting
    ? `The callee has just answered the phone. Greet them by saying exactly: "${greeting}"`
    : 'The callee has just answered the phone. Greet them and start the conversation.';
}
