/**
 * What the real Gemini API refuses on `models/{model}:generateContent`, per model, as its
 * documentation says (Sept 2026): Live models do not serve generateContent; a JSON schema needs
 * `responseMimeType: application/json` and only one of the two schema fields; Gemini 3.8 Flash
 * takes thinking levels low, medium and high (minimal is an error), and a level and a budget
 * together are an error. The simulator's own table: it does not read the bridge's code.
 */
export interface HttpRefusal {
  status: number;
  /** google.rpc status name, as the API's error body carries it. */
  status_name: 'INVALID_ARGUMENT' | 'NOT_FOUND' | 'UNAUTHENTICATED' | 'UNAVAILABLE' | 'RESOURCE_EXHAUSTED';
  message: string;
}

interface TextModel {
  /** Thinking levels the model accepts (upper case, as the SDK sends them). */
  thinkingLevels: readonly string[];
}

const TEXT_MODELS: Record<string, TextModel> = {
  'gemini-3.8-flash': { thinkingLevels: ['LOW', 'MEDIUM', 'HIGH'] },
  'gemini-3.7-flash': { thinkingLevels: ['MINIMAL', 'LOW', 'MEDIUM', 'HIGH'] },
  'gemini-3.5-flash-lite': { thinkingLevels: ['MINIMAL', 'LOW', 'MEDIUM', 'HIGH'] },
};

export interface GenerateContentBody {
  contents?: { role?: string; parts?: { text?: string }[] }[];
  systemInstruction?: { parts?: { text?: string }[] };
  generationConfig?: {
    responseMimeType?: string;
    responseSchema?: unknown;
    responseJsonSchema?: unknown;
    thinkingConfig?: { thinkingLevel?: string; thinkingBudget?: number };
  };
}

const invalid = (message: string): HttpRefusal => ({ status: 400, status_name: 'INVALID_ARGUMENT', message });

export function generateContentRefusal(
  model: string,
  version: string,
  body: GenerateContentBody,
): HttpRefusal | undefined {
  const known = TEXT_MODELS[model];
  if (!known)
    return {
      status: 404,
      status_name: 'NOT_FOUND',
      message: `models/${model} is not found for API version ${version}, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
    };
  if (!body.contents?.some((content) => content.parts?.some((part) => part.text)))
    return invalid('* GenerateContentRequest.contents: contents is not specified');
  const config = body.generationConfig ?? {};
  if (config.responseSchema !== undefined && config.responseJsonSchema !== undefined)
    return invalid('response_schema and response_json_schema cannot both be set');
  if (
    (config.responseSchema ?? config.responseJsonSchema) !== undefined &&
    config.responseMimeType !== 'application/json'
  )
    return invalid('response_mime_type must be application/json when a response schema is set');
  const thinking = config.thinkingConfig;
  if (thinking?.thinkingLevel !== undefined && thinking.thinkingBudget !== undefined)
    return invalid('thinking_level and thinking_budget cannot both be set');
  if (thinking?.thinkingLevel !== undefined && !known.thinkingLevels.includes(thinking.thinkingLevel))
    return invalid(`thinking_level ${thinking.thinkingLevel.toLowerCase()} is not supported by ${model}`);
  return undefined;
}
