import { isIPv4, isIPv6 } from "node:net";

/**
 * The key a client address is counted under. IPv4 as is; an IPv4-mapped IPv6 address
 * (`::ffff:a.b.c.d`, what a dual-stack socket reports) as that IPv4; any other IPv6
 * address as its /64 in RFC 5952 form (`2001:db8:1:2::/64`). One IPv6 subscriber holds a
 * whole /64 (RFC 6177) and can use a new address in it for every request, so a limit on
 * full addresses would not hold them at all. Anything else (no address) is kept as is.
 */
export function clientKey(ip: string): string {
  if (isIPv4(ip)) return ip;
  const groups = ipv6Groups(ip);
  if (!groups) return ip;
  const mapped = mappedIpv4(groups);
  if (mapped) return mapped;
  return `${formatIpv6([...groups.slice(0, 4), 0, 0, 0, 0])}/64`;
}

/** 127.0.0.0/8, ::1, or an IPv4-mapped 127.x address. */
export function isLoopbackAddress(ip: string): boolean {
  if (isIPv4(ip)) return ip.startsWith("127.");
  const groups = ipv6Groups(ip);
  if (!groups) return false;
  const mapped = mappedIpv4(groups);
  if (mapped) return mapped.startsWith("127.");
  return groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1;
}

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a dotted tail read). */
export function ipv6Groups(ip: string): number[] | undefined {
  const address = ip.split("%")[0] ?? ""; // a zone id (fe80::1%eth0) names the interface
  if (!isIPv6(address)) return undefined;
  let text = address.toLowerCase();
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", rest] = text.split("::");
  const parse = (part: string): number[] =>
    part === "" ? [] : part.split(":").map((g) => Number.parseInt(g, 16));
  const left = parse(head);
  if (rest === undefined) return left;
  const right = parse(rest);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function mappedIpv4(groups: number[]): string | undefined {
  if (!groups.slice(0, 5).every((g) => g === 0) || groups[5] !== 0xffff) return undefined;
  const [hi = 0, lo = 0] = groups.slice(6);
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join(".");
}

/** RFC 5952 §4: lower case, no leading zeros, the longest run (2+) of zero groups as `::`. */
function formatIpv6(groups: number[]): string {
  let best = { at: -1, length: 0 };
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > best.length) best = { at: i, length: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.length < 2) return hex.join(":");
  const left = hex.slice(0, best.at).join(":");
  const right = hex.slice(best.at + best.length).join(":");
  return `${left}::${right}`;
}
