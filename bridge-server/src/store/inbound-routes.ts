import type { RedisClient } from './redis-connection';
import type { InboundRoute } from '../shared/wire-types';
import { MemoryNamedRecords, RedisNamedRecords, type NamedRecords } from './named-records';
import { RedisScript } from './redis-script';

/** An inbound route as stored: with the secret its requests are signed with. */
export interface StoredInboundRoute extends InboundRoute {
  secret: string;
}

/** Inbound routes (the Incoming Call trigger registers one on publish), kept by route id. */
export interface InboundRouteStore extends NamedRecords<StoredInboundRoute> {
  /**
   * Puts the route unless another route already answers for one of its numbers (or, for a route
   * with no numbers, for every number), in one step. Resolves to what was taken: empty when put.
   */
  putUnlessTaken(route: StoredInboundRoute): Promise<string[]>;
}

/** The route for a called number: the one that names it, else one for every number, else none. */
export function routeFor<T extends InboundRoute>(routes: readonly T[], to: string): T | undefined {
  return routes.find((route) => route.numbers.includes(to)) ?? routes.find((route) => route.numbers.length === 0);
}

export const EVERY_NUMBER = 'every number';

/** What `route` claims that one of `others` already has. */
export function takenBy(route: InboundRoute, others: readonly InboundRoute[]): string[] {
  const rivals = others.filter((other) => other.id !== route.id);
  if (route.numbers.length === 0) return rivals.some((other) => other.numbers.length === 0) ? [EVERY_NUMBER] : [];
  return route.numbers.filter((number) => rivals.some((other) => other.numbers.includes(number)));
}

const byId = (route: StoredInboundRoute) => route.id;

export class MemoryInboundRoutes extends MemoryNamedRecords<StoredInboundRoute> implements InboundRouteStore {
  constructor() {
    super(byId);
  }

  async putUnlessTaken(route: StoredInboundRoute): Promise<string[]> {
    // Checked and written with no await between, so concurrent registrations cannot both win.
    const taken = takenBy(route, [...this.records.values()]);
    if (taken.length === 0) this.records.set(route.id, route);
    return taken;
  }
}

/** `takenBy` in Lua, so the check and the write are one step however many instances register. */
const PUT_UNLESS_TAKEN = new RedisScript(`
local route = cjson.decode(ARGV[2])
local all = redis.call('HGETALL', KEYS[1])
local taken = {}
local every = #route.numbers == 0
for i = 1, #all, 2 do
  if all[i] ~= ARGV[1] then
    local other = cjson.decode(all[i + 1])
    if every then
      if #other.numbers == 0 then taken[#taken + 1] = '${EVERY_NUMBER}' end
    else
      for _, number in ipairs(route.numbers) do
        for _, theirs in ipairs(other.numbers) do
          if number == theirs then taken[#taken + 1] = number end
        end
      end
    end
  end
end
if #taken == 0 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return taken
`);

/** One hash, `<prefix>inbound-routes`: route id → the route as JSON. */
export class RedisInboundRoutes extends RedisNamedRecords<StoredInboundRoute> implements InboundRouteStore {
  constructor(
    private readonly client: RedisClient,
    private readonly hashKey: string,
  ) {
    super(client, hashKey, byId);
  }

  async putUnlessTaken(route: StoredInboundRoute): Promise<string[]> {
    return PUT_UNLESS_TAKEN.run<string[]>(this.client, [this.hashKey], [route.id, JSON.stringify(route)]);
  }
}
