/**
 * What the real Gemini Live service refuses, per model, as its documentation says (Sept 2026),
 * so that a bridge that sends what a model does not accept fails here the way it would fail on
 * the real service. This table is the simulator's own: it does not read the bridge's profiles.
 */
export type SimulatedFamily = '3.8' | '3.1' | '2.5';

const MODELS: Record<string, SimulatedFamily> = {
  'gemini-3.8-live': '3.8',
  'gemini-3.1-flash-live-preview': '3.1',
  'gemini-2.5-flash-native-audio-preview-09-2025': '2.5',
  'gemini-2.5-flash-native-audio-preview-12-2025': '2.5',
  'gemini-2.5-flash-native-audio-latest': '2.5',
};

/** How the service closes the socket: code and reason. */
export interface Refusal {
  code: number;
  reason: string;
}

const INVALID = (what: string): Refusal => ({ code: 1007, reason: `Request contains an invalid argument: ${what}` });

interface FunctionDeclaration {
  name?: unknown;
  behavior?: unknown;
  parameters?: unknown;
  parametersJsonSchema?: { type?: unknown; properties?: Record<string, unknown> };
}

interface Setup {
  model?: unknown;
  tools?: { functionDeclarations?: FunctionDeclaration[] }[];
  proactivity?: { proactiveAudio?: boolean };
  generationConfig?: {
    responseModalities?: unknown[];
    enableAffectiveDialog?: unknown;
    thinkingConfig?: unknown;
    speechConfig?: { languageCode?: unknown };
  };
}

/** The model's family, or the refusal for a model the API does not serve over Live. */
export function familyOf(setup: Setup): SimulatedFamily | Refusal {
  const model = String(setup.model ?? '');
  const family = MODELS[model.replace(/^models\//, '')];
  return (
    family ?? {
      code: 1008,
      reason: `${model} is not found for API version v1beta, or is not supported for bidiGenerateContent`,
    }
  );
}

/** Why the service refuses this set-up for `family`, if it does. */
export function setupRefusal(family: SimulatedFamily, setup: Setup): Refusal | undefined {
  const generation = setup.generationConfig ?? {};
  const modalities: unknown[] = generation.responseModalities ?? [];
  if (modalities.length !== 1 || modalities[0] !== 'AUDIO') return INVALID('response modalities must be [AUDIO]');
  if (family === '3.8') {
    if (setup.proactivity?.proactiveAudio === false) return INVALID('proactive audio cannot be disabled');
    if (generation.enableAffectiveDialog !== undefined) return INVALID('enable_affective_dialog is not supported');
    if (generation.thinkingConfig !== undefined) return INVALID('thinking_config is not supported');
  }
  if (family === '3.1' && (setup.proactivity !== undefined || generation.enableAffectiveDialog !== undefined))
    return INVALID('proactive audio and affective dialog are not supported');
  if (family === '2.5' && generation.speechConfig?.languageCode !== undefined)
    return INVALID('speech_config.language_code is not supported by native audio models');
  for (const declaration of (setup.tools ?? []).flatMap((tool) => tool.functionDeclarations ?? [])) {
    const refusal = declarationRefusal(family, declaration);
    if (refusal) return refusal;
  }
  return undefined;
}

/** The service's rules for a function declaration (names, schemas, async behaviour by family). */
function declarationRefusal(family: SimulatedFamily, declaration: FunctionDeclaration): Refusal | undefined {
  const name = String(declaration.name ?? '');
  if (!/^[a-zA-Z_][a-zA-Z0-9_.:-]{0,127}$/.test(name))
    return INVALID(`function name ${JSON.stringify(name)} is invalid`);
  if (declaration.parameters !== undefined && declaration.parametersJsonSchema !== undefined)
    return INVALID('parameters and parameters_json_schema are mutually exclusive');
  const schema = declaration.parametersJsonSchema;
  if (schema !== undefined && schema.type !== 'object')
    return INVALID(`${name}: parameters_json_schema must describe an object`);
  for (const parameter of Object.keys(schema?.properties ?? {}))
    if (!/^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/.test(parameter))
      return INVALID(`${name}: parameter name ${parameter} is invalid`);
  if (family !== '3.8' && declaration.behavior === 'NON_BLOCKING')
    return INVALID('NON_BLOCKING function calls are not supported by this model');
  return undefined;
}

/** Why the service refuses a client message during the session, if it does. */
export function messageRefusal(family: SimulatedFamily, message: Record<string, unknown>): Refusal | undefined {
  // 3.1 takes client content only as initial history; text must go as realtime input.
  if (family === '3.1' && message.clientContent !== undefined) return INVALID('client content after set-up');
  return undefined;
}
