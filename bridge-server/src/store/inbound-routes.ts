import type { InboundRoute } from '../shared/wire-types';
import type { NamedRecords } from './named-records';

/** An inbound route as stored: with the secret its requests are signed with. */
export interface StoredInboundRoute extends InboundRoute {
  secret: string;
}

/** Inbound routes (the Incoming Call trigger registers one on publish), kept by route id. */
export type InboundRouteStore = NamedRecords<StoredInboundRoute>;

/** The route for a called number: the one that names it, else one for every number, else none. */
export function routeFor<T extends InboundRoute>(routes: readonly T[], to: string): T | undefined {
  return routes.find((route) => route.numbers.includes(to)) ?? routes.find((route) => route.numbers.length === 0);
}
