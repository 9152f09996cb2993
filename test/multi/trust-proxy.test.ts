// X-Forwarded-For is believed only from the proxies named in TRUST_PROXY: a client
// cannot dodge the per-address password limit by forging the header.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { Browser, csrfOf, encodeForm, startVestibule, type Vestibule } from "../support/harness.js";

describe("TRUST_PROXY and the per-address password limit", () => {
  let t: Vestibule;
  beforeAll(async () => {
    t = await startVestibule({
      env: {
        TRUST_PROXY: "10.0.0.1",
        LIMIT_PASSWORD_IP: "3/900/900",
        LIMIT_PASSWORD_ACCOUNT: "100/900/900",
      },
    });
  });
  afterAll(() => t.close());

  /** A wrong password from `peer`, claiming `forwardedFor`; returns the status. */
  async function attempt(peer: string, forwardedFor: string, n: number): Promise<number> {
    const b = new Browser(t.app, peer);
    await b.get("/login");
    const res = await b.request("POST", "/login", {
      body: encodeForm({ _csrf: csrfOf(b.html), username: `nobody${n}`, password: "wrong" }),
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-forwarded-for": forwardedFor,
      },
    });
    return res.statusCode;
  }

  test("an untrusted peer forging a new X-Forwarded-For each time is still limited by its own address", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push(await attempt("203.0.113.7", `198.51.100.${i + 1}`, i));
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const failed = await t.system.stores.audit.list({ type: "signin_failed", limit: 10 });
    expect(failed.every((e) => e.ip === "203.0.113.7")).toBe(true);
  });

  test("behind the trusted proxy, each client address has its own counter", async () => {
    const spread: number[] = [];
    for (let i = 0; i < 5; i++) spread.push(await attempt("10.0.0.1", `192.0.2.${i + 1}`, 100 + i));
    expect(spread).toEqual([401, 401, 401, 401, 401]);
    const same: number[] = [];
    for (let i = 0; i < 4; i++) same.push(await attempt("10.0.0.1", "192.0.2.200", 200 + i));
    expect(same).toEqual([401, 401, 401, 429]);
  });

  test("TRUST_PROXY must name proxies: 'true', '*' or a hop count is refused at start", () => {
    const base = { NODE_ENV: "test", SECRET_KEY: "k".repeat(40), DATABASE_URL: "sqlite::memory:" };
    for (const bad of ["true", "*", "1", "10.0.0.0/8,everyone", "10.0.0.0/abc"]) {
      expect(() => loadConfig({ ...base, TRUST_PROXY: bad })).toThrow(ConfigError);
    }
    expect(loadConfig({ ...base, TRUST_PROXY: "10.0.0.0/8, loopback, ::1" }).trustProxy).toBe(
      "10.0.0.0/8, loopback, ::1",
    );
    expect(loadConfig(base).trustProxy).toBe(false);
  });
});
