/**
 * What each Gemini Live model family accepts, from Google's model pages and the Live API guide
 * (Sept 2026). The session set-up and every in-call message are built from the call's profile,
 * so a family's rules live here and nowhere else.
 */
export type ModelFamily = '3.8-live' | '3.1-flash-live' | '2.5-native-audio' | 'vertex-2.5-native-audio' | 'unknown';

export interface ModelProfile {
  family: ModelFamily;
  /**
   * How text reaches the model once the session runs. `client-content`: sendClientContent with
   * an explicit role; `turnComplete: true` makes the model answer now (and interrupts it if it
   * is speaking), without it the model waits. `realtime-text`: sendRealtimeInput({ text }),
   * for families that close the session (1007) on mid-session client content.
   */
  textInput: 'client-content' | 'realtime-text';
  /** `speechConfig.languageCode` is accepted; else the language goes in the instruction. */
  languageCode: boolean;
  /** Function calls are NON_BLOCKING by default, and responses take `scheduling`. */
  asyncFunctionCalls: boolean;
  /** Only the Gemini API is supported; Vertex model ids are refused at start-up with a reason. */
  vertex: boolean;
}

/** The default for voice agents (Google: stable since September 2026). */
export const DEFAULT_LIVE_MODEL = 'gemini-3.8-live';

const PROFILES: readonly { pattern: RegExp; profile: ModelProfile }[] = [
  {
    // Client content all session (turnComplete: true interrupts), async function calls with
    // scheduling; proactive audio is always on (setting it false is an error) and affective
    // dialog was removed, so the set-up carries neither.
    pattern: /^gemini-3\.8-live(?:-|$)/,
    profile: {
      family: '3.8-live',
      textInput: 'client-content',
      languageCode: true,
      asyncFunctionCalls: true,
      vertex: false,
    },
  },
  {
    // Client content only as initial history; mid-session it closes the session with 1007.
    // Function calls are blocking only; no proactive audio or affective dialog.
    pattern: /^gemini-3\.1-flash-live(?:-|$)/,
    profile: {
      family: '3.1-flash-live',
      textInput: 'realtime-text',
      languageCode: true,
      asyncFunctionCalls: false,
      vertex: false,
    },
  },
  {
    // Native audio chooses its language itself: no explicit speechConfig.languageCode.
    pattern: /^gemini-2\.5-flash-native-audio(?:-|$)/,
    profile: {
      family: '2.5-native-audio',
      textInput: 'client-content',
      languageCode: false,
      asyncFunctionCalls: false,
      vertex: false,
    },
  },
  {
    pattern: /^gemini-live-2\.5-flash-native-audio(?:-|$)/,
    profile: {
      family: 'vertex-2.5-native-audio',
      textInput: 'client-content',
      languageCode: false,
      asyncFunctionCalls: false,
      vertex: true,
    },
  },
];

/**
 * The most conservative profile, for a model string the table does not know: realtime text
 * (never mid-session client content), the language in the instruction, blocking function calls.
 */
const CONSERVATIVE: ModelProfile = {
  family: 'unknown',
  textInput: 'realtime-text',
  languageCode: false,
  asyncFunctionCalls: false,
  vertex: false,
};

/** `models/gemini-3.8-live` and `gemini-3.8-live` name the same model. */
export function profileFor(model: string): ModelProfile {
  const id = model.replace(/^models\//, '');
  return PROFILES.find(({ pattern }) => pattern.test(id))?.profile ?? CONSERVATIVE;
}
