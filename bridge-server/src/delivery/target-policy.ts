import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { BlockList } from 'node:net';
import { addressFamily } from '../config/allowed-hosts';
import type { RedisSettings } from '../config/redis-settings';

/**
 * The one policy for every URL the API accepts as a place to send something (subscriptions,
 * waiters, and any later target): http or https, at most 2,048 characters, and never a
 * link-local or cloud-metadata address, which is checked on the literal host when the URL is
 * given and again on the resolved address of every connection (so a name that later resolves
 * there, DNS rebinding, is refused too). Loopback and private ranges are allowed by default
 * because n8n often runs beside the bridge; WEBHOOK_ALLOWED_HOSTS narrows targets to a list of
 * hosts and CIDR ranges. The bridge's own stores (Redis, PostgreSQL) are never targets.
 */

export const MAX_TARGET_URL_CHARS = 2048;

/** Never a target, whatever the configuration: link-local, metadata services, non-unicast. */
const ALWAYS_REFUSED = new BlockList();
ALWAYS_REFUSED.addSubnet('169.254.0.0', 16, 'ipv4');
ALWAYS_REFUSED.addAddress('100.100.100.200', 'ipv4');
ALWAYS_REFUSED.addSubnet('0.0.0.0', 8, 'ipv4');
ALWAYS_REFUSED.addSubnet('224.0.0.0', 4, 'ipv4');
ALWAYS_REFUSED.addAddress('255.255.255.255', 'ipv4');
ALWAYS_REFUSED.addSubnet('fe80::', 10, 'ipv6');
ALWAYS_REFUSED.addAddress('fd00:ec2::254', 'ipv6');
ALWAYS_REFUSED.addAddress('::', 'ipv6');
ALWAYS_REFUSED.addSubnet('ff00::', 8, 'ipv6');
// The same IPv4 ranges reached through NAT64 and 6to4 (IPv4-mapped ::ffff: BlockList checks itself).
ALWAYS_REFUSED.addSubnet('64:ff9b::a9fe:0', 112, 'ipv6');
ALWAYS_REFUSED.addAddress('64:ff9b::6464:64c8', 'ipv6');
ALWAYS_REFUSED.addSubnet('2002:a9fe::', 32, 'ipv6');

const METADATA_HOSTS = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.internal',
  'metadata.tencentyun.com',
]);

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** `example.com.` and `[::1]` as URL hostnames, in the form names and addresses are compared in. */
function bareHost(hostname: string): string {
  return hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

export interface Endpoint {
  host: string;
  port: number;
}

/** The bridge's own Redis, which no webhook may target. */
export function redisEndpoints(redis: RedisSettings | undefined): Endpoint[] {
  if (!redis) return [];
  if (redis.clusterNodes) return [...redis.clusterNodes];
  return [endpointOf(redis.url, 6379)];
}

/** The history database's address (DATABASE_URL), never a webhook's target either. */
export function databaseEndpoints(databaseUrl: string | undefined): Endpoint[] {
  return databaseUrl ? [endpointOf(databaseUrl, 5432)] : [];
}

function endpointOf(url: string, defaultPort: number): Endpoint {
  const parsed = new URL(url);
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port || defaultPort) };
}

export interface TargetPolicyOptions {
  /** Host names (`n8n.example.com`, `*.example.com`) and CIDR ranges (`10.0.0.0/8`) allowed. */
  allowedHosts?: readonly string[];
  /** The bridge's own services, never to be sent to. */
  forbiddenEndpoints?: readonly Endpoint[];
  /** Name resolution (dns.lookup); tests give one that answers differently each time, as a rebinding attacker's DNS would. */
  resolve?: typeof dnsLookup;
}

export class TargetRefusedError extends Error {
  readonly code = 'TARGET_REFUSED';
  constructor(reason: string) {
    super(reason);
    this.name = 'TargetRefusedError';
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

export class TargetPolicy {
  private readonly allowedNames: string[] = [];
  private readonly allowedSuffixes: string[] = [];
  private readonly allowedRanges?: BlockList;
  private readonly forbidden: readonly Endpoint[];
  private readonly resolve: typeof dnsLookup;

  constructor(options: TargetPolicyOptions = {}) {
    this.resolve = options.resolve ?? dnsLookup;
    this.forbidden = (options.forbiddenEndpoints ?? []).map(({ host, port }) => ({ host: bareHost(host), port }));
    if (!options.allowedHosts?.length) return;
    this.allowedRanges = new BlockList();
    for (const entry of options.allowedHosts) {
      const [address, bits] = entry.split('/');
      const family = addressFamily(address);
      if (family)
        this.allowedRanges.addSubnet(
          address,
          bits === undefined ? (family === 'ipv4' ? 32 : 128) : Number(bits),
          family,
        );
      else if (entry.startsWith('*.')) this.allowedSuffixes.push(bareHost(entry.slice(1)));
      else this.allowedNames.push(bareHost(entry));
    }
  }

  /**
   * Why a URL given to the API may not be a target, or undefined when it may. Checks the URL's
   * own host; the address it resolves to is checked again on every connection.
   */
  refusal(url: string): string | undefined {
    if (url.length > MAX_TARGET_URL_CHARS) return `must be at most ${MAX_TARGET_URL_CHARS} characters`;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'must be a URL';
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'must be an http or https URL';
    const host = bareHost(parsed.hostname);
    if (!host) return 'must name a host';
    const port = Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
    return addressFamily(host) ? this.addressRefusal(host, port) : this.nameRefusal(host);
  }

  private nameRefusal(host: string): string | undefined {
    if (METADATA_HOSTS.has(host)) return 'is a cloud metadata service, which is never a target';
    if (!this.allowedRanges || this.nameAllowed(host)) return undefined;
    // A name outside the list may still resolve into an allowed range: decided per connection.
    return this.hasRanges() ? undefined : 'is not in WEBHOOK_ALLOWED_HOSTS';
  }

  private nameAllowed(host: string): boolean {
    return this.allowedNames.includes(host) || this.allowedSuffixes.some((suffix) => host.endsWith(suffix));
  }

  private hasRanges(): boolean {
    return this.allowedRanges !== undefined && this.allowedRanges.rules.length > 0;
  }

  /** Why a connection to `address:port` is refused, or undefined. */
  addressRefusal(address: string, port: number, allowedByName = false): string | undefined {
    const family = addressFamily(address);
    if (!family) return 'is not an IP address';
    if (ALWAYS_REFUSED.check(address, family))
      return 'is a link-local, metadata or non-unicast address, which is never a target';
    for (const endpoint of this.forbidden) {
      const sameHost = endpoint.host === address || (LOOPBACK.check(address, family) && isLoopbackName(endpoint.host));
      if (sameHost && endpoint.port === port) return "is one of the bridge's own services";
    }
    if (this.allowedRanges && !allowedByName && !this.allowedRanges.check(address, family))
      return 'is not in WEBHOOK_ALLOWED_HOSTS';
    return undefined;
  }

  /**
   * A `lookup` for http(s) agents: resolves as dns.lookup does, then refuses the connection when
   * any address the name resolves to is not an allowed target.
   */
  lookupFor(
    port: number,
  ): (hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback) => void {
    return (hostname, options, callback) => {
      const host = bareHost(hostname);
      const byName = this.nameAllowed(host);
      const refusedName = METADATA_HOSTS.has(host) ? 'is a cloud metadata service, which is never a target' : undefined;
      if (refusedName) return callback(new TargetRefusedError(`${hostname} ${refusedName}`), '', 0);
      this.resolve(hostname, { ...options, all: true }, (error, addresses) => {
        if (error) return callback(error, '', 0);
        for (const { address } of addresses) {
          const refusal = this.addressRefusal(address, port, byName);
          if (refusal)
            return callback(new TargetRefusedError(`${hostname} resolves to ${address}, which ${refusal}`), '', 0);
        }
        if ((options as LookupAllOptions).all) return callback(null, addresses);
        callback(null, addresses[0].address, addresses[0].family);
      });
    };
  }
}

function isLoopbackName(host: string): boolean {
  const family = addressFamily(host);
  return host === 'localhost' || (family !== undefined && LOOPBACK.check(host, family));
}

const API_TIME_LOOKUP_MS = 2000;

/**
 * The API's check of a URL: `policy.refusal`, and for a host name, where it resolves now (a name
 * that does not resolve yet is accepted; every connection is checked again).
 */
export async function targetRefusal(policy: TargetPolicy, url: string): Promise<string | undefined> {
  const refusal = policy.refusal(url);
  if (refusal) return refusal;
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (addressFamily(host)) return undefined;
  const port = Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), API_TIME_LOOKUP_MS);
    policy.lookupFor(port)(host, { all: true }, (error) => {
      clearTimeout(timer);
      resolve(
        error instanceof TargetRefusedError
          ? `resolves to an address that is not allowed (${error.message})`
          : undefined,
      );
    });
  });
}
