import type { CallResource } from '../../../bridge-server/src/shared/wire-types';
import { startTestBridge } from '../../support/sandbox-bridge';

const CALLS = 50;
const PER_SECOND = 5;

/** The most dials in any one-second window. */
function busiestSecond(times: number[]): number {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= 1000) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/** TWILIO_CALLS_PER_SECOND: a campaign placed at once reaches Twilio at the account's pace. */
describe('outbound pacing', () => {
  it.each([
    ['Redis', true],
    ['memory', false],
  ])(
    `takes ${CALLS} calls at once with a ${PER_SECOND}/s limit, dials them no faster, and loses none (%s)`,
    async (_store, redis) => {
      const t = await startTestBridge({ TWILIO_CALLS_PER_SECOND: String(PER_SECOND) }, { redis });
      try {
        // Numbers ending in 0002 are busy: each call ends soon after it is dialled.
        const placed: CallResource[] = await Promise.all(
          Array.from({ length: CALLS }, (_, i) =>
            t.placeCall({ to: `+1555${String(i).padStart(3, '0')}0002`, mode: 'agent', agent: { prompt: 'p' } }),
          ),
        );
        expect(placed.filter((call) => call.status === 'queued').length).toBeGreaterThanOrEqual(CALLS - 1);
        const ended = await Promise.all(placed.map((call) => t.waitForEnd(call.id, 60_000)));
        expect(ended.map((call) => call.status)).toEqual(Array(CALLS).fill('busy'));
        const dialled = [...t.sandbox.carrier!.dialled].sort((a, b) => a - b);
        expect(dialled).toHaveLength(CALLS);
        const spanMs = dialled.at(-1)! - dialled[0];
        const most = busiestSecond(dialled);
        process.stdout.write(
          `pacing (${_store}): ${CALLS} calls at once, limit ${PER_SECOND}/s: dialled over ${spanMs} ms (${((CALLS - 1) / (spanMs / 1000)).toFixed(2)}/s), at most ${most} in any second\n`,
        );
        expect(spanMs).toBeGreaterThanOrEqual(((CALLS - 1) * 1000) / PER_SECOND);
        expect(most).toBeLessThanOrEqual(PER_SECOND);
      } finally {
        await t.close();
      }
    },
    90_000,
  );
});
