import type { Reader } from './env-reader';

export interface RedisEndpoint {
  readonly host: string;
  readonly port: number;
}

/** Where the shared store is: one Redis (`url`), or a Redis Cluster (`clusterNodes`, seeds for discovery). */
export interface RedisSettings {
  /** redis://, rediss:// or redis+cluster:// (its user and password are used on every node). */
  readonly url: string;
  readonly clusterNodes?: readonly RedisEndpoint[];
}

const HOST_PORT = /^([^:\s,]+|\[[^\]]+\]):(\d{1,5})$/;

/**
 * REDIS_URL (`redis+cluster://host:port` names one seed of a cluster) and REDIS_CLUSTER_NODES
 * (`host:port,host:port`, any number of seeds). Neither: the in-memory store.
 */
export function readRedis(r: Reader): RedisSettings | undefined {
  const url = r.url('REDIS_URL', ['redis:', 'rediss:', 'redis+cluster:']);
  const seeds = r.list('REDIS_CLUSTER_NODES');
  let clusterNodes: RedisEndpoint[] | undefined;
  if (seeds) {
    clusterNodes = [];
    for (const seed of seeds) {
      const match = HOST_PORT.exec(seed);
      if (match && Number(match[2]) <= 65535)
        clusterNodes.push({ host: match[1].replace(/^\[|\]$/g, ''), port: Number(match[2]) });
      else r.problems.push(`REDIS_CLUSTER_NODES must be host:port items separated by commas (got "${seed}")`);
    }
  } else if (url?.startsWith('redis+cluster:')) {
    const { hostname, port } = new URL(url);
    clusterNodes = [{ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || 6379) }];
  }
  if (clusterNodes?.length === 0) return undefined;
  if (clusterNodes) return { url: url ?? `redis+cluster://${seeds![0]}`, clusterNodes };
  return url ? { url } : undefined;
}
