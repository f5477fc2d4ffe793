import { GeminiLiveSimulator } from '../../../bridge-server/src/sandbox/gemini-live-simulator';
import { SandboxCarrier } from '../../../bridge-server/src/sandbox/sandbox-carrier';
import { silentLogger } from '../../../bridge-server/src/shared/logger';
import { BridgeProcess } from '../../support/bridge-process';
import { freePort } from '../../support/redis-server';
import { cleanRedis, testPrefix } from '../../support/sandbox-bridge';
import { until } from '../../support/webhook-receiver';

const CALLS = 50;
const PER_SECOND = 5;
const API_KEY = 'pacing-test-key-0123';

/** The most dials in any one-second window. */
function busiestSecond(times: number[]): number {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= 1000) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/**
 * TWILIO_CALLS_PER_SECOND: a campaign placed at once reaches Twilio at the account's pace. The
 * bridge runs in a process of its own and the simulated carrier here counts arrivals, as Twilio
 * counts them: the bridge's own work never delays (and so bunches) what the carrier sees.
 */
describe('outbound pacing', () => {
  const log = silentLogger();
  const carrier = new SandboxCarrier({ log });
  const gemini = new GeminiLiveSimulator({ log });
  let urls: { carrier: string; gemini: string };

  beforeAll(async () => {
    urls = { carrier: await carrier.listen(), gemini: await gemini.listen() };
  });

  afterAll(() => Promise.all([carrier.close(), gemini.close()]));

  it.each([
    ['Redis', true],
    ['memory', false],
  ])(
    `takes ${CALLS} calls at once with a ${PER_SECOND}/s limit, dials them no faster, and loses none (%s)`,
    async (store, redis) => {
      const prefix = testPrefix();
      const port = await freePort();
      const bridge = new BridgeProcess(`pacing-${store}`, {
        TWILIO_ACCOUNT_SID: carrier.accountSid,
        TWILIO_AUTH_TOKEN: carrier.authToken,
        TWILIO_FROM_NUMBER: '+15557650000',
        TWILIO_API_BASE_URL: urls.carrier,
        GEMINI_API_KEY: 'sandbox',
        GEMINI_BASE_URL: urls.gemini,
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        BRIDGE_API_KEY: API_KEY,
        TWILIO_CALLS_PER_SECOND: String(PER_SECOND),
        REDIS_KEY_PREFIX: prefix,
        ...(redis ? {} : { REDIS_URL: '', REDIS_CLUSTER_NODES: '' }),
      });
      carrier.dialled.length = 0;
      try {
        await bridge.start();
        // Numbers ending in 0002 are busy: each call ends soon after it is dialled.
        const placed = await Promise.all(
          Array.from({ length: CALLS }, async (_, i) => {
            const to = `+1555${String(i).padStart(3, '0')}0002`;
            const response = await bridge.api('/v1/calls', {
              method: 'POST',
              apiKey: API_KEY,
              json: { to, mode: 'agent', agent: { prompt: 'p' } },
            });
            if (response.status !== 201) throw new Error(`call ${i}: ${response.status}`);
            return response.body as { id: string; status: string };
          }),
        );
        expect(placed.filter((call) => call.status === 'queued').length).toBeGreaterThanOrEqual(CALLS - 1);
        const statuses = async () =>
          Promise.all(
            placed.map(async (call) => (await bridge.api(`/v1/calls/${call.id}`, { apiKey: API_KEY })).body.status),
          );
        await until(async () => (await statuses()).every((status) => status === 'busy'), 60_000, 'every call busy');
        const dialled = [...carrier.dialled].sort((a, b) => a - b);
        expect(dialled).toHaveLength(CALLS);
        const spanMs = dialled.at(-1)! - dialled[0];
        const most = busiestSecond(dialled);
        process.stdout.write(
          `pacing (${store}): ${CALLS} calls at once, limit ${PER_SECOND}/s: dialled over ${spanMs} ms (${((CALLS - 1) / (spanMs / 1000)).toFixed(2)}/s), at most ${most} in any second\n`,
        );
        expect(spanMs).toBeGreaterThanOrEqual(((CALLS - 1) * 1000) / PER_SECOND);
        expect(most).toBeLessThanOrEqual(PER_SECOND);
      } finally {
        await bridge.stop();
        if (redis) await cleanRedis(prefix);
      }
    },
    90_000,
  );
});
