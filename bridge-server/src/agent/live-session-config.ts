import { Modality, Type, type FunctionDeclaration, type LiveConnectConfig } from '@google/genai';
import type { AgentSettings } from '../shared/wire-types';
import type { ModelProfile } from './model-profiles';
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

/**
 * The session set-up for one call on `profile`'s model family: nothing the family refuses
 * (no proactivity or affective dialog anywhere: 3.8 has them fixed, 3.1 and 2.5 lack them), and
 * the language where the family takes it (speechConfig) or else in the instruction.
 */
export function liveConnectConfig(
  agent: AgentSettings,
  language: string,
  profile: ModelProfile,
  resumptionHandle?: string,
): LiveConnectConfig {
  const languageRule = profile.languageCode
    ? ''
    : `\n\nSpeak only in the language with the BCP-47 tag ${language}, from your first word to your last.`;
  return {
    responseModalities: [Modality.AUDIO],
    systemInstruction: { parts: [{ text: `${agent.prompt}\n\n${PHONE_CONTEXT}${languageRule}` }] },
    speechConfig: {
      voiceConfig: { prebuiltVoiceConfig: { voiceName: agent.voice ?? DEFAULT_VOICE } },
      ...(profile.languageCode ? { languageCode: language } : {}),
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
