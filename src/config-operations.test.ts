// LOG_LEVEL, NODE_ENV and METRICS_ALLOW: a mistake stops the start with one line naming
// the variable (a typo in NODE_ENV would otherwise run production as development).
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";
import { isAllowed, parseAddressList } from "./metrics/allow.js";

const KEY = "k".repeat(40);

describe("LOG_LEVEL and NODE_ENV", () => {
  it("LOG_LEVEL: pino's levels; info by default, silent under the tests", () => {
    expect(loadConfig({ SECRET_KEY: KEY }).logLevel).toBe("info");
    expect(loadConfig({ SECRET_KEY: KEY, NODE_ENV: "test" }).logLevel).toBe("silent");
    for (const level of ["fatal", "error", "warn", "info", "debug", "trace", "silent"]) {
      expect(loadConfig({ SECRET_KEY: KEY, LOG_LEVEL: level }).logLevel).toBe(level);
    }
  });

  it.each(["verbose", "INFO", "warning", "30"])("LOG_LEVEL=%s is refused in one line", (level) => {
    const start = () => loadConfig({ SECRET_KEY: KEY, LOG_LEVEL: level });
    expect(start).toThrow(ConfigError);
    expect(start).toThrow(
      `LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "${level}")`,
    );
  });

  it.each(["prod", "Production", "staging", "dev"])("NODE_ENV=%s is refused in one line", (env) => {
    const start = () => loadConfig({ SECRET_KEY: KEY, NODE_ENV: env });
    expect(start).toThrow(ConfigError);
    expect(start).toThrow(/^NODE_ENV must be production, development or test, or unset/);
  });

  it("NODE_ENV production, development, test or unset", () => {
    expect(loadConfig({ SECRET_KEY: KEY, NODE_ENV: "production" }).production).toBe(true);
    expect(loadConfig({ SECRET_KEY: KEY, NODE_ENV: "development" }).production).toBe(false);
    expect(loadConfig({ SECRET_KEY: KEY, NODE_ENV: "" }).production).toBe(false);
  });
});

describe("METRICS_ALLOW", () => {
  it("loopback by default; none; a list", () => {
    expect(loadConfig({ SECRET_KEY: KEY }).metricsAllow).toEqual(["loopback"]);
    expect(loadConfig({ SECRET_KEY: KEY, METRICS_ALLOW: "none" }).metricsAllow).toEqual([]);
    expect(
      loadConfig({ SECRET_KEY: KEY, METRICS_ALLOW: "loopback, 10.0.0.0/8,fd00::/8,192.0.2.4" })
        .metricsAllow,
    ).toEqual(["loopback", "10.0.0.0/8", "fd00::/8", "192.0.2.4"]);
  });

  it.each(["10.0.0.0/33", "fd00::/129", "everyone", "10.0.0.0/8/1", "*", "10.0.0.0/x"])(
    "%s is refused, naming the variable",
    (value) => {
      expect(() => loadConfig({ SECRET_KEY: KEY, METRICS_ALLOW: value })).toThrow(
        /^METRICS_ALLOW lists addresses or CIDRs/,
      );
    },
  );

  it("matches addresses as a socket reports them", () => {
    const { list } = parseAddressList(["loopback", "10.0.0.0/8", "2001:db8::/32"]);
    for (const ip of [
      "127.0.0.1",
      "127.9.9.9",
      "::1",
      "::ffff:127.0.0.1",
      "10.2.3.4",
      "2001:db8::5",
    ])
      expect(isAllowed(list, ip), ip).toBe(true);
    for (const ip of ["11.0.0.1", "::2", "2001:db9::1", "", "not-an-ip", "::ffff:11.0.0.1"])
      expect(isAllowed(list, ip), ip).toBe(false);
  });
});
