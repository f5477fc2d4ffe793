import { GoogleGenAI } from '@google/genai';
import type { GeminiSettings } from '../config/load-config';
import { CallAnalyzer } from './call-analyzer';

/** Google's public Gemini API endpoint, named so no environment variable can move it. */
const GEMINI_API_BASE_URL = 'https://generativelanguage.googleapis.com';

/**
 * The SDK client for the Gemini API, told everything explicitly (the Gemini API rather than
 * Vertex AI, the key, the endpoint, the version), so the environment cannot redirect it.
 */
export function createGenAI(settings: GeminiSettings): GoogleGenAI {
  return new GoogleGenAI({
    vertexai: false,
    apiKey: settings.apiKey,
    httpOptions: { baseUrl: settings.baseUrl ?? GEMINI_API_BASE_URL, apiVersion: settings.apiVersion },
  });
}

/** Post-call analysis on the configured text model (GEMINI_ANALYSIS_MODEL), through the same client settings. */
export function callAnalyzer(settings: GeminiSettings): CallAnalyzer {
  return new CallAnalyzer(createGenAI(settings), settings.analysisModel);
}
