import { describe, expect, it } from "vitest";
import { clientKey, ipv6Groups, isLoopbackAddress } from "./client-key.js";

describe("clientKey", () => {
  it("keeps IPv4 as is", () => {
    expect(clientKey("203.0.113.7")).toBe("203.0.113.7");
  });

  it("counts an IPv4-mapped IPv6 address as its IPv4 (any spelling)", () => {
    expect(clientKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(clientKey("::FFFF:cb00:7107")).toBe("203.0.113.7");
    expect(clientKey("0:0:0:0:0:ffff:203.0.113.7")).toBe("203.0.113.7");
  });

  it("puts every address of one /64 under one key, however it is written", () => {
    const keys = [
      "2001:db8:1:2::1",
      "2001:db8:1:2:ffff:ffff:ffff:fffe",
      "2001:0DB8:0001:0002:0:0:0:9",
      "2001:db8:1:2:a:b:c:d%eth0",
      "2001:db8:1:2:0:0:1.2.3.4",
    ].map(clientKey);
    expect(new Set(keys)).toEqual(new Set(["2001:db8:1:2::/64"]));
  });

  it("keeps different /64s apart", () => {
    expect(clientKey("2001:db8:1:2::1")).not.toBe(clientKey("2001:db8:1:3::1"));
    expect(clientKey("2001:db8::1")).toBe("2001:db8::/64");
    expect(clientKey("2001:db8:0:1::1")).toBe("2001:db8:0:1::/64");
    expect(clientKey("::1")).toBe("::/64");
    expect(clientKey("fe80::1:2:3:4")).toBe("fe80::/64");
    // A zero run after the prefix's first group: the longest run is compressed.
    expect(clientKey("1:0:0:2::5")).toBe("1:0:0:2::/64");
  });

  it("expands :: in any position", () => {
    expect(ipv6Groups("::")).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(ipv6Groups("1::")).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(ipv6Groups("::2")).toEqual([0, 0, 0, 0, 0, 0, 0, 2]);
    expect(ipv6Groups("1:2::7:8")).toEqual([1, 2, 0, 0, 0, 0, 7, 8]);
    expect(ipv6Groups("not an address")).toBeUndefined();
  });

  it("leaves a non-address alone", () => {
    expect(clientKey("")).toBe("");
    expect(clientKey("unknown")).toBe("unknown");
  });
});

describe("isLoopbackAddress", () => {
  it("accepts 127.0.0.0/8, ::1 and mapped 127.x", () => {
    for (const ip of ["127.0.0.1", "127.8.9.10", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"]) {
      expect(isLoopbackAddress(ip), ip).toBe(true);
    }
  });

  it("refuses everything else", () => {
    for (const ip of ["10.0.0.1", "0.0.0.0", "::", "::2", "::ffff:10.0.0.1", "fe80::1", "", "x"]) {
      expect(isLoopbackAddress(ip), ip).toBe(false);
    }
  });
});
