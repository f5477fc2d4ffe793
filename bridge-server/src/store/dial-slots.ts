import type { RedisClient } from './redis-connection';
import { RedisScript } from './redis-script';

/**
 * Outbound pacing: one dial every `1000 / callsPerSecond` ms for the Twilio account, however many
 * instances dial. `reserve` takes the next free slot and says how long to wait for it (0: now).
 */
export interface DialSlots {
  readonly intervalMs: number;
  reserve(): Promise<number>;
}

export class MemoryDialSlots implements DialSlots {
  private next = 0;

  constructor(readonly intervalMs: number) {}

  async reserve(): Promise<number> {
    const now = Date.now();
    const at = Math.max(now, this.next);
    this.next = at + this.intervalMs;
    return at - now;
  }
}

/**
 * The next free slot in one key, on Redis's own clock (TIME), so instances with skewed clocks
 * still share one pace. The key expires once its slots are past.
 */
const RESERVE = new RedisScript(`
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local interval = tonumber(ARGV[1])
local at = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], at + interval, 'PX', at + interval - now + 1000)
return at - now
`);

export class RedisDialSlots implements DialSlots {
  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    readonly intervalMs: number,
  ) {}

  async reserve(): Promise<number> {
    return RESERVE.run<number>(this.redis, [this.key], [this.intervalMs]);
  }
}
