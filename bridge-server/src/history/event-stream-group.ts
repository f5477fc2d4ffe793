import { eventBodyOf, eventsStreamKey } from '../store/event-stream-keys';
import type { RedisClient } from '../store/redis-connection';

/** One entry of the events stream: its id, and the event's JSON (undefined once trimmed away). */
export interface StreamEntry {
  id: string;
  body: string | undefined;
}

type RawEntry = [string, string[] | null];

function toEntries(raw: unknown): StreamEntry[] {
  return ((raw ?? []) as RawEntry[]).map(([id, fields]) => ({ id, body: eventBodyOf(fields) }));
}

/** The flat `[name, value, name, value…]` replies of XINFO, as an object. */
function fieldsOf(flat: unknown[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[String(flat[i])] = flat[i + 1];
  return fields;
}

/** How far a group is behind the stream: entries read by no consumer (lag) and read but not acknowledged. */
export interface GroupBacklog {
  pending: number;
  /** Null when Redis cannot tell (entries were deleted or trimmed past the group); the stream length is the bound then. */
  lag: number | null;
  streamLength: number;
}

/**
 * A Redis Streams consumer group on the public events stream: each entry goes to one consumer
 * of the group, stays pending until acknowledged, and is claimed by another consumer once it has
 * been pending too long (its reader crashed). `reader` serves blocking reads; `redis`, the rest.
 */
export class EventStreamGroup {
  readonly stream: string;

  constructor(
    private readonly redis: RedisClient,
    private readonly reader: RedisClient,
    prefix: string,
    readonly group: string,
    readonly consumer: string,
  ) {
    this.stream = eventsStreamKey(prefix);
  }

  /** Creates the group at the stream's start (so the archive back-fills), unless it exists. */
  async ensure(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.stream, this.group, '0', 'MKSTREAM');
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
    }
  }

  /** Entries delivered to this consumer and not yet acknowledged (after a failed write). */
  async pending(count: number): Promise<StreamEntry[]> {
    const reply = (await this.redis.xreadgroup(
      'GROUP',
      this.group,
      this.consumer,
      'COUNT',
      count,
      'STREAMS',
      this.stream,
      '0',
    )) as [string, RawEntry[]][] | null;
    return toEntries(reply?.[0]?.[1]);
  }

  /** New entries, waiting up to `blockMs` for the first. */
  async next(count: number, blockMs: number): Promise<StreamEntry[]> {
    const reply = (await this.reader.xreadgroup(
      'GROUP',
      this.group,
      this.consumer,
      'COUNT',
      count,
      'BLOCK',
      blockMs,
      'STREAMS',
      this.stream,
      '>',
    )) as [string, RawEntry[]][] | null;
    return toEntries(reply?.[0]?.[1]);
  }

  /**
   * Takes over entries pending longer than `minIdleMs` with any consumer, from `cursor`; resolves
   * to the entries (now this consumer's) and where to go on from (`0-0`: the end was reached).
   */
  async claimStale(
    minIdleMs: number,
    cursor: string,
    count: number,
  ): Promise<{ entries: StreamEntry[]; next: string }> {
    const [next, claimed] = (await this.redis.xautoclaim(
      this.stream,
      this.group,
      this.consumer,
      minIdleMs,
      cursor,
      'COUNT',
      count,
    )) as [string, RawEntry[]];
    return { entries: toEntries(claimed), next };
  }

  async ack(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.redis.xack(this.stream, this.group, ...ids);
  }

  async backlog(): Promise<GroupBacklog> {
    const [groups, streamLength] = await Promise.all([
      this.redis.xinfo('GROUPS', this.stream) as Promise<unknown[][]>,
      this.redis.xlen(this.stream),
    ]);
    const mine = groups.map(fieldsOf).find((fields) => fields.name === this.group);
    return {
      pending: Number(mine?.pending ?? 0),
      lag: mine?.lag === null || mine?.lag === undefined ? null : Number(mine.lag),
      streamLength,
    };
  }

  /** Forgets consumers (earlier runs of instances) that hold nothing and have been idle `idleMs`. */
  async forgetIdleConsumers(idleMs: number): Promise<number> {
    const consumers = ((await this.redis.xinfo('CONSUMERS', this.stream, this.group)) as unknown[][]).map(fieldsOf);
    let forgotten = 0;
    for (const consumer of consumers) {
      const name = String(consumer.name);
      if (name === this.consumer || Number(consumer.pending) > 0 || Number(consumer.idle) < idleMs) continue;
      await this.redis.xgroup('DELCONSUMER', this.stream, this.group, name);
      forgotten++;
    }
    return forgotten;
  }
}
