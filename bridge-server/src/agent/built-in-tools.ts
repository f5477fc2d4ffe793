import { Type, type FunctionDeclaration } from '@google/genai';

/** The tools the bridge itself carries out. A call's own tools may not take these names. */

export const END_CALL_TOOL_NAME = 'end_call';
export const TRANSFER_TOOL_NAME = 'transfer_call';
export const PRESS_KEYS_TOOL_NAME = 'press_keys';
export const BUILT_IN_TOOL_NAMES: readonly string[] = [END_CALL_TOOL_NAME, TRANSFER_TOOL_NAME, PRESS_KEYS_TOOL_NAME];

export const END_CALL_TOOL: FunctionDeclaration = {
  name: END_CALL_TOOL_NAME,
  description:
    'Hang up the phone call. Call this only after you have said goodbye; the line is cut once your goodbye has finished playing to the callee.',
  parameters: {
    type: Type.OBJECT,
    properties: { reason: { type: Type.STRING, description: 'Why the call is ending, in a few words.' } },
  },
};

/** Warm transfers take the agent's summary, which the person hears before being connected. */
export function transferTool(warm: boolean, announce?: string): FunctionDeclaration {
  const first = announce ? `First say to the caller: "${announce}"` : 'First tell the caller you are connecting them';
  return {
    name: TRANSFER_TOOL_NAME,
    description: warm
      ? `Transfer the caller to a person. ${first}, and ask them to hold. The person hears your summary before they are connected; if nobody answers you will be told, and the caller is back with you.`
      : `Transfer the caller to a person. ${first}; the call leaves you once the transfer starts.`,
    parameters: {
      type: Type.OBJECT,
      properties: warm
        ? {
            summary: {
              type: Type.STRING,
              description: 'Two or three sentences for the person taking the call: who is calling and what they need.',
            },
          }
        : {},
      ...(warm ? { required: ['summary'] } : {}),
    },
  };
}

export const PRESS_KEYS_TOOL: FunctionDeclaration = {
  name: PRESS_KEYS_TOOL_NAME,
  description:
    'Press keys on the phone keypad (to get through a phone menu). The tones are played into the call; the result says when they have all been played.',
  parameters: {
    type: Type.OBJECT,
    properties: {
      keys: {
        type: Type.STRING,
        description: 'The keys to press in order: digits 0-9, * and #, A-D; w waits half a second.',
      },
    },
    required: ['keys'],
  },
};
