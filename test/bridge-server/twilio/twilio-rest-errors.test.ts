import { createBridge, type Bridge } from '../../../bridge-server/src/bridge';
import { loadConfig } from '../../../bridge-server/src/config/load-config';
import { startSandbox, type Sandbox } from '../../../bridge-server/src/sandbox/start';
import { capturingLogger } from '../../support/log-capture';

/** Twilio's REST errors, through the real SDK against the sandbox carrier. */
describe('placing a call when Twilio refuses', () => {
  let sandbox: Sandbox;
  const bridges: Bridge[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox(loadConfig({ PORT: '0', HOST: '127.0.0.1' }), capturingLogger().log);
  });

  afterAll(async () => {
    for (const bridge of bridges) await bridge.shutdown(0);
    await sandbox.close();
  });

  async function bridgeWith(authToken = sandbox.services.twilio.authToken) {
    const capture = capturingLogger();
    const bridge = await createBridge(loadConfig({ PORT: '0', HOST: '127.0.0.1' }), capture.log, {
      ...sandbox.services,
      twilio: { ...sandbox.services.twilio, authToken },
    });
    bridges.push(bridge);
    const url = await bridge.listen();
    const place = () =>
      fetch(`${url}/v1/calls`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: '+15551230000', mode: 'agent', agent: { prompt: 'p' } }),
      });
    return { place, capture };
  }

  it('answers 503 CARRIER_UNAVAILABLE with Retry-After when Twilio still rate-limits after the SDK’s retries', async () => {
    const { place } = await bridgeWith();
    sandbox.carrier!.rateLimitedRequests = 100;
    try {
      const response = await place();
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('CARRIER_UNAVAILABLE');
    } finally {
      sandbox.carrier!.rateLimitedRequests = 0;
    }
  });

  it('treats a 401 as the bridge’s misconfiguration: 502 CARRIER_AUTH_FAILED and a loud log line, not CARRIER_REJECTED', async () => {
    const { place, capture } = await bridgeWith('not-the-token');
    const response = await place();
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('CARRIER_AUTH_FAILED');
    expect(capture.lines.find((line) => String(line.msg).startsWith('Twilio refused the credentials'))).toMatchObject({
      level: 50,
    });
  });
});
