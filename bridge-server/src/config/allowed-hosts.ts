import { isIP } from 'node:net';

export type AddressFamily = 'ipv4' | 'ipv6';

/** The IP family of a literal address, or undefined for a host name. */
export function addressFamily(address: string): AddressFamily | undefined {
  const version = isIP(address);
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : undefined;
}

/**
 * What is wrong with a WEBHOOK_ALLOWED_HOSTS list: each entry is a host name (`*.` allowed in
 * front), an address, or a CIDR range. The target policy enforces the list; this only reads it.
 */
export function allowedHostProblems(entries: readonly string[]): string[] {
  const problems: string[] = [];
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const family = addressFamily(address);
    const maxBits = family === 'ipv4' ? 32 : 128;
    if (family && (extra !== undefined || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= maxBits))))
      problems.push(`"${entry}" is not a valid CIDR range`);
    else if (
      !family &&
      (bits !== undefined || !/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(entry))
    )
      problems.push(`"${entry}" is neither a host name nor a CIDR range`);
  }
  return problems;
}
