import type { Redis } from 'ioredis';
import type { Logger } from '../shared/logger';
import { eventsStreamKey } from './event-stream-keys';
import { slotOf } from './key-slots';

/** Set once the keys are in the hash-tagged layout (so a start-up needs one GET to know). */
const LAYOUT_VERSION = '2';

/**
 * Where a key of the layout before hash tags lives now, or undefined for a key whose name stayed
 * (the events stream, tools, inbound routes, dial slots) or that is already in the new layout.
 */
export function renamedKey(prefix: string, key: string): string | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const to = newName(prefix, key.slice(prefix.length));
  // With a hash tag in the prefix, some names are the same in both layouts.
  return to === key ? undefined : to;
}

function newName(prefix: string, rest: string): string | undefined {
  const calls = slotOf(`${prefix}calls`);
  const events = slotOf(eventsStreamKey(prefix));
  const call = /^call:([^{}:]+)(:transcript(?::ids)?)?$/.exec(rest);
  if (call) return `${prefix}call:{${call[1]}}${call[2] ?? ''}`;
  if (rest === 'calls') return calls;
  if (rest === 'calls:active') return `${calls}:active`;
  if (rest.startsWith('idem:')) return `${calls}:${rest}`;
  if (rest.startsWith('events:recorded:')) return `${events}:recorded:${rest.slice('events:recorded:'.length)}`;
  if (/^(outbox:|subscriptions$|waiters)/.test(rest)) return `${events}:${rest}`;
  return undefined;
}

/** The prefix as a SCAN pattern: glob's special characters matched literally. */
function literalPattern(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
}

/** Moves one key; a collection whose new key exists already is merged into it. */
async function move(redis: Redis, from: string, to: string): Promise<void> {
  const type = await redis.type(from);
  if (type === 'none') return; // moved meanwhile (another instance upgrading too)
  if ((await redis.exists(to)) === 0) {
    await redis.renamenx(from, to).catch(() => undefined);
    return;
  }
  if (type === 'hash') await redis.hset(to, await redis.hgetall(from));
  else if (type === 'set') await redis.sadd(to, ...(await redis.smembers(from)));
  else if (type === 'zset') {
    const flat = await redis.zrange(from, '0', '-1', 'WITHSCORES');
    for (let i = 0; i < flat.length; i += 2) await redis.zadd(to, 'NX', flat[i + 1], flat[i]);
  }
  // A record or list written in the new layout already is the newer one: the old copy goes.
  await redis.del(from);
}

/**
 * One Redis used by a version before hash tags: its keys are moved to the names this version
 * reads (`renamedKey`), TTLs kept, so calls in progress, pending deliveries, waiters and
 * Idempotency-Keys carry on after an upgrade. Runs at start-up; safe to run on several instances
 * at once and again. A Redis Cluster never held the old layout (that version could not use one).
 */
export async function upgradeKeyLayout(redis: Redis, prefix: string, log: Logger): Promise<number> {
  const marker = `${prefix}key-layout`;
  if ((await redis.get(marker)) === LAYOUT_VERSION) return 0;
  let moved = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', literalPattern(prefix), 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const to = renamedKey(prefix, key);
      if (!to) continue;
      await move(redis, key, to);
      moved++;
    }
  } while (cursor !== '0');
  await redis.set(marker, LAYOUT_VERSION);
  if (moved > 0) log.info({ moved }, 'moved the keys of an earlier version to their hash-tagged names');
  return moved;
}
