import { ConfigError, loadConfig, type BridgeConfig } from './config/load-config';
import type { Env } from './config/env-reader';
import { checkGemini, checkPublicUrl, checkRedis, checkSpeech, checkTwilio, type CheckResult } from './doctor-checks';

/**
 * `voice-bridge doctor` (`npm run doctor`): checks a live configuration without placing a call.
 * One line per check, and a fix for each that failed; exit code 1 when any did.
 */
export async function runDoctor(env: Env, write: (line: string) => void): Promise<CheckResult[]> {
  let config: BridgeConfig;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const results = error.problems.map((problem) => ({
      name: 'configuration',
      ok: false,
      detail: problem,
      fix: 'set it in the environment (docs/configuration.md)',
    }));
    results.forEach((result) => write(line(result)));
    return results;
  }
  if (config.sandbox || !config.twilio) {
    const result = {
      name: 'mode',
      ok: false,
      detail: 'sandbox mode: there is nothing live to check',
      fix: 'set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER, PUBLIC_URL and BRIDGE_API_KEY (README: Going live)',
    };
    write(line(result));
    return [result];
  }
  const checks: Promise<CheckResult | CheckResult[]>[] = [
    Promise.resolve(checkPublicUrl(config.publicUrl)),
    checkTwilio(config.twilio),
    config.gemini
      ? checkGemini(config.gemini)
      : Promise.resolve(skipped('Gemini Live', 'GEMINI_API_KEY is not set: agent calls are off')),
    config.speech
      ? checkSpeech(config.speech)
      : Promise.resolve(
          skipped(
            'Speech-to-Text',
            'no credentials (GOOGLE_APPLICATION_CREDENTIALS or GOOGLE_STT_ADC): transcribe calls are off',
          ),
        ),
    checkRedis(config.redis),
  ];
  const results = (await Promise.all(checks)).flat();
  for (const result of results) write(line(result));
  return results;
}

function skipped(name: string, detail: string): CheckResult {
  return { name, ok: true, detail: `skipped: ${detail}` };
}

function line(result: CheckResult): string {
  return `${result.ok ? 'ok  ' : 'FAIL'} ${result.name}: ${result.detail}${result.fix ? `\n     fix: ${result.fix}` : ''}`;
}

export async function doctorMain(): Promise<void> {
  const results = await runDoctor(process.env, (text) => process.stdout.write(`${text}\n`));
  process.exitCode = results.every((result) => result.ok) ? 0 : 1;
}
