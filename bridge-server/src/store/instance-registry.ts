import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { RedisClient } from './redis-connection';
import { RedisScript } from './redis-script';

/** A live instance renews its mark this often; one silent for `INSTANCE_TTL_MS` counts as gone. */
export const INSTANCE_BEAT_MS = 1000;
export const INSTANCE_TTL_MS = 4000;

/**
 * Which bridge instances are alive. Each instance has an id of its own and renews a mark while it
 * runs; a call names the instance answerable for it, so the others can tell when that one died
 * (SIGKILL, a lost machine) and finish its calls.
 */
export interface InstanceRegistry {
  readonly self: string;
  /** In memory: this process is the only instance there can be. */
  readonly solo: boolean;
  beat(): Promise<void>;
  isAlive(instance: string): Promise<boolean>;
  /** Instances whose mark has gone stale, whose calls are for the living to finish. */
  dead(): Promise<string[]>;
  /** How many instances are alive now (this one included, once it has beaten). */
  aliveCount(): Promise<number>;
  /** A dead instance with no call left: it need not be looked at again. */
  forget(instance: string): Promise<void>;
  /** A clean stop, after the drain: the mark goes at once. */
  leave(): Promise<void>;
}

export function newInstanceId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** One process holds every call: the only instance there is, is this one. */
export class MemoryInstanceRegistry implements InstanceRegistry {
  readonly self = newInstanceId();
  readonly solo = true;

  async beat(): Promise<void> {}

  async isAlive(instance: string): Promise<boolean> {
    return instance === this.self;
  }

  async dead(): Promise<string[]> {
    return [];
  }

  async aliveCount(): Promise<number> {
    return 1;
  }

  async forget(): Promise<void> {}

  async leave(): Promise<void> {}
}

const REDIS_NOW_MS = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** Stamps this instance with Redis's own clock, so instances with skewed clocks agree. */
const BEAT = new RedisScript(`${REDIS_NOW_MS}
redis.call('HSET', KEYS[1], ARGV[1], now)`);

const ALIVE = new RedisScript(`${REDIS_NOW_MS}
local at = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
return now - at <= tonumber(ARGV[2]) and 1 or 0`);

const DEAD = new RedisScript(`${REDIS_NOW_MS}
local all = redis.call('HGETALL', KEYS[1])
local dead = {}
for i = 1, #all, 2 do
  if now - tonumber(all[i + 1]) > tonumber(ARGV[1]) then dead[#dead + 1] = all[i] end
end
return dead`);

const ALIVE_COUNT = new RedisScript(`${REDIS_NOW_MS}
local all = redis.call('HGETALL', KEYS[1])
local alive = 0
for i = 2, #all, 2 do
  if now - tonumber(all[i]) <= tonumber(ARGV[1]) then alive = alive + 1 end
end
return alive`);

/** One hash, `<prefix>instances`: instance id → its last beat (ms on Redis's clock). */
export class RedisInstanceRegistry implements InstanceRegistry {
  readonly self = newInstanceId();
  readonly solo = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    private readonly ttlMs = INSTANCE_TTL_MS,
  ) {}

  async beat(): Promise<void> {
    await BEAT.run(this.redis, [this.key], [this.self]);
  }

  async isAlive(instance: string): Promise<boolean> {
    return (await ALIVE.run<number>(this.redis, [this.key], [instance, this.ttlMs])) === 1;
  }

  async dead(): Promise<string[]> {
    return DEAD.run<string[]>(this.redis, [this.key], [this.ttlMs]);
  }

  async aliveCount(): Promise<number> {
    return ALIVE_COUNT.run<number>(this.redis, [this.key], [this.ttlMs]);
  }

  async forget(instance: string): Promise<void> {
    await this.redis.hdel(this.key, instance);
  }

  async leave(): Promise<void> {
    await this.redis.hdel(this.key, this.self);
  }
}
