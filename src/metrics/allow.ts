import { BlockList, isIPv4, isIPv6 } from "node:net";

/**
 * METRICS_ALLOW as Node's BlockList (used here as an allow list): addresses, CIDRs and
 * "loopback" (127.0.0.0/8 and ::1). BlockList also matches an IPv4-mapped IPv6 address
 * (`::ffff:127.0.0.1`, what a dual-stack socket reports) against an IPv4 range.
 * `bad` is the first entry that is none of these.
 */
export function parseAddressList(entries: readonly string[]): { list: BlockList; bad?: string } {
  const list = new BlockList();
  for (const entry of entries) {
    if (entry === "loopback") {
      list.addSubnet("127.0.0.0", 8, "ipv4");
      list.addAddress("::1", "ipv6");
      continue;
    }
    const [address = "", bits, ...rest] = entry.split("/");
    const type = isIPv4(address) ? "ipv4" : isIPv6(address) ? "ipv6" : undefined;
    const max = type === "ipv4" ? 32 : 128;
    if (!type || rest.length > 0) return { list, bad: entry };
    if (bits === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const prefix = Number(bits);
    if (!/^\d{1,3}$/.test(bits) || prefix > max) return { list, bad: entry };
    list.addSubnet(address, prefix, type);
  }
  return { list };
}

/** Whether `ip` (a request's address) is on the list. */
export function isAllowed(list: BlockList, ip: string): boolean {
  if (isIPv4(ip)) return list.check(ip, "ipv4");
  return isIPv6(ip) && list.check(ip, "ipv6");
}
