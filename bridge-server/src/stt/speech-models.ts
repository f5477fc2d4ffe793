/**
 * Which Speech-to-Text (v1) model a phone call's language gets. Google's `telephony` model is
 * the current one for phone audio, offered for the languages below; where a language lacks it,
 * `default` is the model every language has. SPEECH_MODEL overrides the choice for all calls.
 */
export const TELEPHONY_LANGUAGES: ReadonlySet<string> = new Set([
  'ar-EG',
  'ar-SA',
  'cmn-Hans-CN',
  'da-DK',
  'de-DE',
  'en-AU',
  'en-GB',
  'en-IN',
  'en-US',
  'es-ES',
  'es-MX',
  'es-US',
  'fi-FI',
  'fr-CA',
  'fr-FR',
  'hi-IN',
  'id-ID',
  'it-IT',
  'ja-JP',
  'ko-KR',
  'nl-NL',
  'no-NO',
  'pl-PL',
  'pt-BR',
  'pt-PT',
  'ru-RU',
  'sv-SE',
  'th-TH',
  'tr-TR',
  'vi-VN',
]);

export function speechModelFor(language: string, configured?: string): string {
  if (configured) return configured;
  return TELEPHONY_LANGUAGES.has(language) ? 'telephony' : 'default';
}
