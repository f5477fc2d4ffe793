import { RetryBackoff } from '../../../bridge-server/src/stt/retry-backoff';
import { speechModelFor } from '../../../bridge-server/src/stt/speech-models';

describe('speechModelFor', () => {
  it('gives a language its telephony model where Google offers one, and the default model elsewhere', () => {
    expect(speechModelFor('en-US')).toBe('telephony');
    expect(speechModelFor('de-DE')).toBe('telephony');
    expect(speechModelFor('sw-KE')).toBe('default');
  });

  it('uses SPEECH_MODEL for every language when it is set', () => {
    expect(speechModelFor('sw-KE', 'latest_long')).toBe('latest_long');
  });
});

describe('RetryBackoff', () => {
  it('doubles each delay from 100 ms up to the cap, and starts over after a reset', () => {
    const backoff = new RetryBackoff(100, 1000);
    const delays = Array.from({ length: 6 }, () => backoff.schedule(() => undefined));
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
    backoff.reset();
    expect(backoff.schedule(() => undefined)).toBe(100);
    backoff.cancel();
    expect(backoff.waiting).toBe(false);
  });
});
