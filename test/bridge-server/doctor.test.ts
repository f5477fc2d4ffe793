import * as grpc from '@grpc/grpc-js';
import { loadConfig } from '../../bridge-server/src/config/load-config';
import { runDoctor } from '../../bridge-server/src/doctor';
import { checkPublicUrl, type CheckResult } from '../../bridge-server/src/doctor-checks';
import { startSandbox, type Sandbox } from '../../bridge-server/src/sandbox/start';
import { silentLogger } from '../../bridge-server/src/shared/logger';
import { REDIS_URL } from '../support/sandbox-bridge';

/** `voice-bridge doctor` against the simulators: every check passing, then one failure of each kind. */
describe('voice-bridge doctor', () => {
  let sandbox: Sandbox;
  let live: Record<string, string>;

  beforeAll(async () => {
    sandbox = await startSandbox(loadConfig({ PORT: '0', HOST: '127.0.0.1' }), silentLogger());
    const { twilio, gemini, speech } = sandbox.services;
    live = {
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_FROM_NUMBER: twilio.fromNumber,
      TWILIO_API_BASE_URL: twilio.apiBaseUrl!,
      PUBLIC_URL: 'https://bridge.example.com',
      BRIDGE_API_KEY: 'key',
      GEMINI_API_KEY: 'key',
      GEMINI_BASE_URL: gemini!.baseUrl!,
      GOOGLE_STT_ENDPOINT: `${speech!.endpoint!.host}:${speech!.endpoint!.port}`,
      GOOGLE_STT_INSECURE: '1',
      REDIS_URL,
    };
  });

  afterAll(async () => {
    await sandbox.close();
  });

  async function doctor(env: Record<string, string>): Promise<{ results: CheckResult[]; lines: string[] }> {
    const lines: string[] = [];
    const results = await runDoctor(env, (line) => lines.push(line));
    return { results, lines };
  }

  const byName = (results: CheckResult[], name: string) => results.find((result) => result.name === name)!;

  it('passes a good live configuration, one line per check', async () => {
    const { results, lines } = await doctor(live);
    expect(results.map((r) => [r.name, r.ok])).toEqual([
      ['public URL', true],
      ['Twilio credentials', true],
      ['Twilio from-number', true],
      ['Gemini Live', true],
      ['Speech-to-Text', true],
      ['Redis', true],
    ]);
    expect(lines.every((line) => line.startsWith('ok  '))).toBe(true);
  });

  it('fails wrong Twilio credentials with the fix', async () => {
    const { results, lines } = await doctor({ ...live, TWILIO_AUTH_TOKEN: 'wrong' });
    expect(byName(results, 'Twilio credentials')).toMatchObject({
      ok: false,
      fix: expect.stringContaining('TWILIO_AUTH_TOKEN'),
    });
    expect(lines.some((line) => line.startsWith('FAIL Twilio credentials') && line.includes('fix:'))).toBe(true);
  });

  it('fails a from-number the account does not own', async () => {
    const { results } = await doctor({ ...live, TWILIO_FROM_NUMBER: '+15557650000' });
    expect(byName(results, 'Twilio from-number')).toMatchObject({
      ok: false,
      detail: expect.stringContaining('not a number'),
    });
  });

  it('fails a Gemini model the service does not serve', async () => {
    const { results } = await doctor({ ...live, GEMINI_MODEL: 'gemini-0.1-imaginary' });
    expect(byName(results, 'Gemini Live')).toMatchObject({ ok: false, detail: expect.stringContaining('1008') });
  });

  it('fails Speech-to-Text credentials the service refuses', async () => {
    sandbox.speech!.failure = {
      code: grpc.status.PERMISSION_DENIED,
      details: 'The caller does not have permission',
      times: 1,
    };
    try {
      const { results } = await doctor(live);
      expect(byName(results, 'Speech-to-Text')).toMatchObject({
        ok: false,
        detail: expect.stringContaining('permission'),
      });
    } finally {
      sandbox.speech!.failure = undefined;
    }
  });

  it('fails an unreachable Redis', async () => {
    const { results } = await doctor({ ...live, REDIS_URL: 'redis://127.0.0.1:1/0' });
    expect(byName(results, 'Redis')).toMatchObject({ ok: false, fix: expect.stringContaining('REDIS_URL') });
  });

  it('fails an http PUBLIC_URL, both as configuration and as a check', async () => {
    const { results } = await doctor({ ...live, PUBLIC_URL: 'http://bridge.example.com' });
    expect(results).toEqual([
      expect.objectContaining({ name: 'configuration', ok: false, detail: expect.stringContaining('https') }),
    ]);
    expect(checkPublicUrl('http://x.example.com')).toMatchObject({ ok: false });
    expect(checkPublicUrl('https://x.example.com/vb')).toMatchObject({
      ok: true,
      detail: expect.stringContaining('wss://x.example.com/vb/twilio/media'),
    });
  });

  it('says so in sandbox mode, where there is nothing live to check', async () => {
    const { results } = await doctor({});
    expect(results).toEqual([expect.objectContaining({ name: 'mode', ok: false })]);
  });
});
