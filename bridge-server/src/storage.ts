import type { BridgeConfig } from './config/load-config';
import { MemoryLiveFeed, type LiveFeed } from './delivery/live-feed';
import { RedisLiveFeed } from './delivery/redis-live-feed';
import { redactUrl } from './shared/log-redaction';
import type { Logger } from './shared/logger';
import { StartupError } from './shared/startup-error';
import type { CallStore } from './store/call-store';
import type { DeliveryStore } from './store/delivery-store';
import { MemoryCallStore } from './store/memory-call-store';
import { MemoryDeliveryStore } from './store/memory-delivery-store';
import { RedisCallStore } from './store/redis-call-store';
import { RedisDeliveryStore } from './store/redis-delivery-store';
import { Redis } from 'ioredis';
import { connectRedis, redisReady, type RedisClient } from './store/redis-connection';
import { upgradeKeyLayout } from './store/key-layout-upgrade';
import { MemoryInboundRoutes, RedisInboundRoutes, type InboundRouteStore } from './store/inbound-routes';
import { MemoryDialSlots, RedisDialSlots, type DialSlots } from './store/dial-slots';
import { MemoryInstanceRegistry, RedisInstanceRegistry, type InstanceRegistry } from './store/instance-registry';
import { MemoryNamedRecords, RedisNamedRecords } from './store/named-records';
import type { StoredTool, ToolRegistry } from './store/tool-registry';
import { openCallHistory, type CallHistory } from './history/call-history';
import type { BridgeMetrics } from './shared/metrics';
import { ArchiveMetrics } from './history/archive-metrics';

/** How long start-up waits for Redis before it gives up with one clear line. */
const REDIS_STARTUP_TIMEOUT_MS = 5000;

/** Where a bridge keeps its calls, deliveries and live feed. */
export interface Storage {
  store: CallStore;
  deliveryStore: DeliveryStore;
  live: LiveFeed;
  tools: ToolRegistry;
  inboundRoutes: InboundRouteStore;
  /** Outbound pacing, when TWILIO_CALLS_PER_SECOND is set. */
  dialSlots?: DialSlots;
  /** Which instances are alive (this one only, in memory). */
  instances: InstanceRegistry;
  /** Set when the storage is Redis (shared by every instance); unset: memory, this process only. */
  redis?: RedisClient;
  /** The PostgreSQL archive, when DATABASE_URL is set. */
  history?: CallHistory;
}

/** Redis when REDIS_URL is set (checked reachable now, with one clear line if not), else memory. */
export async function openStorage(config: BridgeConfig, log: Logger, metrics: BridgeMetrics): Promise<Storage> {
  const redis = config.redis ? connectRedis(config.redis, log, 'commands') : undefined;
  if (redis)
    await redisReady(redis, REDIS_STARTUP_TIMEOUT_MS).catch((error: unknown) => {
      redis.disconnect();
      throw new StartupError(
        `Redis at ${redactUrl(config.redis!.url)} is not reachable (${error instanceof Error ? error.message : String(error)}); check REDIS_URL, or unset it to keep everything in memory`,
      );
    });
  // A single Redis may hold an earlier version's key names; a cluster never did.
  if (redis instanceof Redis) await upgradeKeyLayout(redis, config.redisKeyPrefix, log);
  const store: CallStore = redis ? new RedisCallStore(redis, config.redisKeyPrefix) : new MemoryCallStore();
  const memoryFeed = redis ? undefined : new MemoryLiveFeed();
  const live: LiveFeed = redis
    ? new RedisLiveFeed(
        redis,
        connectRedis(config.redis!, log, 'live-subscriber'),
        connectRedis(config.redis!, log, 'events-reader'),
        config.redisKeyPrefix,
        log,
      )
    : memoryFeed!;
  const deliveryStore: DeliveryStore = redis
    ? new RedisDeliveryStore(redis, config.redisKeyPrefix, config.eventsStreamMaxLength)
    : new MemoryDeliveryStore((event) => memoryFeed!.event(event));
  const byName = (tool: StoredTool) => tool.name;
  const tools: ToolRegistry = redis
    ? new RedisNamedRecords(redis, `${config.redisKeyPrefix}tools`, byName)
    : new MemoryNamedRecords(byName);
  const inboundRoutes: InboundRouteStore = redis
    ? new RedisInboundRoutes(redis, `${config.redisKeyPrefix}inbound-routes`)
    : new MemoryInboundRoutes();
  // 10% slower than the limit: a dial request that leaves a little late (a busy event loop) must
  // never put one too many into a second as the carrier counts them.
  const interval = config.twilioCallsPerSecond ? (1000 / config.twilioCallsPerSecond) * 1.1 : undefined;
  const dialSlots: DialSlots | undefined =
    interval === undefined
      ? undefined
      : redis
        ? new RedisDialSlots(redis, `${config.redisKeyPrefix}dial-slots`, interval)
        : new MemoryDialSlots(interval);
  const instances: InstanceRegistry = redis
    ? new RedisInstanceRegistry(redis, `${config.redisKeyPrefix}instances`)
    : new MemoryInstanceRegistry();
  const history =
    config.history && redis
      ? await openCallHistory({
          settings: config.history,
          redis,
          redisSettings: config.redis!,
          prefix: config.redisKeyPrefix,
          instance: instances.self,
          streamMaxLength: config.eventsStreamMaxLength,
          log,
          metrics: new ArchiveMetrics(metrics.registry),
        }).catch((error: unknown) => {
          redis.disconnect();
          throw error;
        })
      : undefined;
  return { store, deliveryStore, live, tools, inboundRoutes, dialSlots, instances, redis, history };
}
