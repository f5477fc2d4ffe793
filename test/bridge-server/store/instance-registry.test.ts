import { Redis } from 'ioredis';
import { RedisInstanceRegistry } from '../../../bridge-server/src/store/instance-registry';
import { cleanRedis, REDIS_URL, testPrefix } from '../../support/sandbox-bridge';

describe('RedisInstanceRegistry (real Redis)', () => {
  const prefix = testPrefix();
  const redis = new Redis(REDIS_URL);

  afterAll(async () => {
    await cleanRedis(prefix);
    redis.disconnect();
  });

  it('counts an instance alive while it beats, dead once it has been silent past the limit, and gone once forgotten', async () => {
    const a = new RedisInstanceRegistry(redis, `${prefix}instances`, 300);
    const b = new RedisInstanceRegistry(redis, `${prefix}instances`, 300);
    await Promise.all([a.beat(), b.beat()]);
    expect(await a.isAlive(b.self)).toBe(true);
    expect(await a.dead()).toEqual([]);
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      await a.beat(); // b has stopped beating (as if killed)
    }
    expect(await a.isAlive(b.self)).toBe(false);
    expect(await a.isAlive(a.self)).toBe(true);
    expect(await a.dead()).toEqual([b.self]);
    await a.forget(b.self);
    expect(await a.dead()).toEqual([]);
  });

  it('takes a cleanly stopped instance off at once, and never counts an unknown one alive', async () => {
    const a = new RedisInstanceRegistry(redis, `${prefix}left`, 5000);
    await a.beat();
    await a.leave();
    expect(await a.isAlive(a.self)).toBe(false);
    expect(await a.isAlive('never-seen')).toBe(false);
    expect(await a.dead()).toEqual([]);
  });
});
