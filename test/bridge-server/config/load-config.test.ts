import { ConfigError, DEFAULT_GEMINI_MODEL, loadConfig } from '../../../bridge-server/src/config/load-config';

const LIVE = {
  TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 'token',
  TWILIO_FROM_NUMBER: '+15557650000',
  PUBLIC_URL: 'https://bridge.example.com/',
  BRIDGE_API_KEY: 'key',
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('runs in sandbox mode with defaults when no Twilio settings are given', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      sandbox: true,
      port: 8080,
      host: '0.0.0.0',
      redis: undefined,
      redisKeyPrefix: 'voicebridge:',
      twilio: undefined,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads a complete live configuration, trimming the public URL', () => {
    const config = loadConfig({ ...LIVE, GEMINI_API_KEY: 'g', REDIS_URL: 'redis://127.0.0.1:6379/3' });
    expect(config.sandbox).toBe(false);
    expect(config.publicUrl).toBe('https://bridge.example.com');
    expect(config.twilio).toMatchObject({ accountSid: LIVE.TWILIO_ACCOUNT_SID, fromNumber: '+15557650000' });
    expect(config.gemini).toEqual({
      apiKey: 'g',
      model: DEFAULT_GEMINI_MODEL,
      baseUrl: undefined,
      apiVersion: 'v1beta',
      analysisModel: 'gemini-3.8-flash',
    });
  });

  it('takes a text model for post-call analysis, and refuses a Live one there', () => {
    expect(
      loadConfig({ GEMINI_API_KEY: 'g', GEMINI_ANALYSIS_MODEL: 'gemini-3.5-flash-lite' }).gemini?.analysisModel,
    ).toBe('gemini-3.5-flash-lite');
    expect(() => loadConfig({ GEMINI_API_KEY: 'g', GEMINI_ANALYSIS_MODEL: 'gemini-3.8-live' })).toThrow(
      /GEMINI_ANALYSIS_MODEL "gemini-3.8-live" is a Live model; post-call analysis needs a text model such as gemini-3.8-flash/,
    );
  });

  it('selects one Redis, or a Redis Cluster from REDIS_CLUSTER_NODES or a redis+cluster:// URL', () => {
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379/3' }).redis).toEqual({ url: 'redis://127.0.0.1:6379/3' });
    expect(loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7001' }).redis).toEqual({
      url: 'redis+cluster://10.0.0.1:7000',
      clusterNodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
      ],
    });
    expect(loadConfig({ REDIS_URL: 'redis+cluster://:secret@redis-0:7000' }).redis).toEqual({
      url: 'redis+cluster://:secret@redis-0:7000',
      clusterNodes: [{ host: 'redis-0', port: 7000 }],
    });
    expect(problems({ REDIS_CLUSTER_NODES: 'redis-0' })).toEqual([
      'REDIS_CLUSTER_NODES must be host:port items separated by commas (got "redis-0")',
    ]);
  });

  it('refuses a key prefix whose braces are not one hash tag (keys are grouped by hash tag)', () => {
    expect(loadConfig({ REDIS_KEY_PREFIX: 'app:{tenant}:' }).redisKeyPrefix).toBe('app:{tenant}:');
    for (const prefix of ['a{}b:', '{{odd}:', 'x}'])
      expect(problems({ REDIS_KEY_PREFIX: prefix })).toEqual([
        `REDIS_KEY_PREFIX may contain braces only as one hash tag such as {tenant} (got "${prefix}")`,
      ]);
  });

  it('SANDBOX=1 forces sandbox mode even with Twilio settings present', () => {
    expect(loadConfig({ ...LIVE, SANDBOX: '1' }).sandbox).toBe(true);
  });

  it('lists every problem of a partial live configuration in one error', () => {
    const found = problems({
      TWILIO_ACCOUNT_SID: 'AC123',
      PORT: 'eighty',
      REDIS_URL: 'http://nope',
      TWILIO_FROM_NUMBER: '555',
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringContaining('TWILIO_AUTH_TOKEN is required'),
        expect.stringContaining('TWILIO_ACCOUNT_SID must look like'),
        expect.stringContaining('TWILIO_FROM_NUMBER must be an E.164'),
        expect.stringContaining('PUBLIC_URL is required'),
        expect.stringContaining('BRIDGE_API_KEY is required'),
        expect.stringContaining('PORT must be'),
        expect.stringContaining('REDIS_URL must be'),
      ]),
    );
    expect(found.length).toBe(7);
  });

  it('enables transcribe mode from GOOGLE_STT_ENDPOINT and checks its form', () => {
    expect(loadConfig({ GOOGLE_STT_ENDPOINT: '127.0.0.1:50051', GOOGLE_STT_INSECURE: '1' }).speech).toEqual({
      endpoint: { host: '127.0.0.1', port: 50051 },
      insecure: true,
      credentialsFile: undefined,
      applicationDefaultCredentials: false,
      model: undefined,
    });
    expect(loadConfig({ GOOGLE_STT_ADC: '1', SPEECH_MODEL: 'latest_long' }).speech).toMatchObject({
      applicationDefaultCredentials: true,
      model: 'latest_long',
    });
    expect(problems({ GOOGLE_STT_ADC: '1', GOOGLE_APPLICATION_CREDENTIALS: '/key.json' })).toEqual([
      expect.stringContaining('alternatives'),
    ]);
    expect(problems({ GOOGLE_STT_ENDPOINT: 'localhost' })).toEqual([
      expect.stringContaining('GOOGLE_STT_ENDPOINT must be host:port'),
    ]);
    expect(problems({ GOOGLE_STT_INSECURE: 'yes' })).toEqual([expect.stringContaining('needs GOOGLE_STT_ENDPOINT')]);
  });

  it('refuses half a Gemini configuration', () => {
    expect(problems({ GEMINI_BASE_URL: 'http://127.0.0.1:9' })).toEqual([
      expect.stringContaining('GEMINI_API_KEY is required'),
    ]);
  });
  it('refuses an http PUBLIC_URL in live mode (Twilio streams media only over wss, error 31922)', () => {
    expect(() =>
      loadConfig({
        TWILIO_ACCOUNT_SID: 'AC' + '1'.repeat(32),
        TWILIO_AUTH_TOKEN: 't',
        TWILIO_FROM_NUMBER: '+15557650000',
        BRIDGE_API_KEY: 'k',
        PUBLIC_URL: 'http://bridge.example.com',
      }),
    ).toThrow(/PUBLIC_URL must be https in live mode .*31922/);
    // Loopback is only ever a local carrier's (the load test): http is fine there.
    expect(
      loadConfig({
        TWILIO_ACCOUNT_SID: 'AC' + '1'.repeat(32),
        TWILIO_AUTH_TOKEN: 't',
        TWILIO_FROM_NUMBER: '+15557650000',
        BRIDGE_API_KEY: 'k',
        PUBLIC_URL: 'http://127.0.0.1:8080',
      }).publicUrl,
    ).toBe('http://127.0.0.1:8080');
  });
});
