import { classifyResponse, MAX_RETRY_MS, retryDelayMs } from '../../../bridge-server/src/delivery/retry-policy';

describe('retry policy', () => {
  it('retries network errors, timeouts, 408, 409, 429 and 5xx', () => {
    for (const status of [0, 408, 409, 429, 500, 502, 503]) expect(classifyResponse(status).kind).toBe('retry');
  });

  it('treats 2xx as delivered, 410 as gone, 404 as a short-lived not-found, and other 4xx as refused', () => {
    expect(classifyResponse(204).kind).toBe('delivered');
    expect(classifyResponse(410).kind).toBe('gone');
    expect(classifyResponse(404).kind).toBe('not-found');
    expect(classifyResponse(400).kind).toBe('rejected');
    expect(classifyResponse(401).kind).toBe('rejected');
  });

  it('backs off exponentially from about 1 s to about 10 minutes, with jitter', () => {
    expect(retryDelayMs(1, () => 0.5)).toBe(1000);
    expect(retryDelayMs(2, () => 0.5)).toBe(2000);
    expect(retryDelayMs(5, () => 0.5)).toBe(16000);
    expect(retryDelayMs(30, () => 0.5)).toBe(MAX_RETRY_MS);
    expect(retryDelayMs(1, () => 0)).toBe(800);
    expect(retryDelayMs(1, () => 1)).toBe(1200);
  });
});
