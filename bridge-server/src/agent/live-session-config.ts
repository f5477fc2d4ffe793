import { Modality, type LiveConnectConfig } from '@google/genai';
import type { AgentSettings, CallDirection, TransferOutcome } from '../shared/wire-types';
import type { ModelProfile } from './model-profiles';
import { toolDeclarations, type DeclaredTool } from './tool-declarations';
import { DEFAULT_VOICE } from './voices';

/** Gemini Live session set-up for one call (pure: the tests read it back from the simulator). */

/** Said first on an inbound call, so the agent answers rather than introduces a call it made. */
export const INBOUND_CONTEXT = 'You are answering an incoming phone call: the person on the line called you.';

const PHONE_CONTEXT =
  'You are speaking with a person over a phone line. Keep replies short and natural for speech, and never use markdown or lists. When the conversation is over, say goodbye and then call the end_call tool.';

/**
 * The session set-up for one call on `profile`'s model family: nothing the family refuses
 * (no proactivity or affective dialog anywhere: 3.8 has them fixed, 3.1 and 2.5 lack them), and
 * the language where the family takes it (speechConfig) or else in the instruction. `tools` are
 * the call's own and its MCP servers' (the built-ins come from `agent`). An inbound call's
 * agent is told it is answering.
 */
export function liveConnectConfig(
  agent: AgentSettings,
  language: string,
  profile: ModelProfile,
  resumptionHandle?: string,
  tools: readonly DeclaredTool[] = [],
  direction: CallDirection = 'outbound',
): LiveConnectConfig {
  const context = direction === 'inbound' ? `${INBOUND_CONTEXT} ${PHONE_CONTEXT}` : PHONE_CONTEXT;
  const languageRule = profile.languageCode
    ? ''
    : `\n\nSpeak only in the language with the BCP-47 tag ${language}, from your first word to your last.`;
  return {
    responseModalities: [Modality.AUDIO],
    systemInstruction: { parts: [{ text: `${agent.prompt}\n\n${context}${languageRule}` }] },
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
    tools: [{ functionDeclarations: toolDeclarations(agent, tools, profile) }],
  };
}

/** The turn that makes the agent speak first. */
export function greetingInstruction(greeting: string | undefined): string {
  return greeting
    ? `The callee has just answered the phone. Greet them by saying exactly: "${greeting}"`
    : 'The callee has just answered the phone. Greet them and start the conversation.';
}

/** The turn for a caller back from a warm transfer nobody took: the agent says so and carries on. */
export function transferReturnInstruction(transfer: TransferOutcome): string {
  const why =
    transfer.outcome === 'busy'
      ? 'the line was busy'
      : transfer.outcome === 'failed'
        ? 'the call could not be placed'
        : 'nobody answered';
  const summary = transfer.summary ? ` Your summary of the call so far: ${transfer.summary}` : '';
  return `You tried to transfer the caller to a person, but ${why}. The caller is back on the line with you: tell them, and ask how else you can help.${summary}`;
}
