/**
 * Redis Cluster keeps keys that one script or MULTI touches in one hash slot only when they share
 * a hash tag (the text between the first `{` and the next `}`; without one, the whole key).
 * These helpers build keys in the slot of a given key, so groups stay together on a cluster and
 * the public stream `<prefix>events` keeps its documented name.
 */
export function hashTagOf(key: string): string {
  const open = key.indexOf('{');
  const close = open === -1 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

/** `{tag}` of `key`: any key starting with it lands in `key`'s slot. */
export function slotOf(key: string): string {
  return `{${hashTagOf(key)}}`;
}
