// Second review: a NUL byte reached PostgreSQL (which refuses it in text) and answered 503:
// a username "a\0b" at the password step (limiter key, audit row), /users/%00, and query
// fields. Bad input is a 4xx (or an ordinary page), never 500/503.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Browser,
  csrfOf,
  encodeForm,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";
import {
  createTestDatabase,
  probeServices,
  reportUnavailable,
  type TestDatabase,
} from "../support/services.js";

const services = await probeServices();
reportUnavailable(services, "bad input on PostgreSQL", ["postgres"]);

describe.runIf(services.postgres)("bad input on PostgreSQL never gives 500/503", () => {
  let database: TestDatabase;
  let t: Vestibule;
  let admin: Browser;
  beforeAll(async () => {
    database = await createTestDatabase();
    t = await startVestibule({ env: { DATABASE_URL: database.url, REDIS_URL: "" } });
    expect(t.system.limitStore.backend.kind).toBe("postgres");
    await t.addUser("root", { role: "administrator" });
    admin = await t.signIn(
      "root",
      await t.enrolApp((await t.system.stores.users.findByUsername("root"))!),
    );
  });
  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it.each(["a\u0000b", "\u0000", "root\u0000", "a\u0007b", "a\u007fb"])(
    "POST /login with username %j is the wrong-password answer, counts nothing and writes no audit row",
    async (username) => {
      const b = t.browser("198.51.100.9");
      await b.get("/login");
      const wrong = await b.request("POST", "/login", {
        body: encodeForm({ _csrf: csrfOf(b.html), username: "nobody", password: "wrong" }),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      expect(wrong.statusCode).toBe(401);
      await b.get("/login");
      const auditBefore = (await t.system.stores.audit.list({ limit: 500 })).length;
      const res = await b.request("POST", "/login", {
        body: encodeForm({ _csrf: csrfOf(b.html), username, password: "wrong" }),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      expect(res.statusCode).toBe(wrong.statusCode);
      expect(res.body).toContain(wrongBodyMarker(wrong.body));
      expect((await t.system.stores.audit.list({ limit: 500 })).length).toBe(auditBefore);
    },
  );

  it("a control character in the username does not sign in as the plain name", async () => {
    const b = t.browser();
    await b.get("/login");
    const res = await b.request("POST", "/login", {
      body: encodeForm({
        _csrf: csrfOf(b.html),
        username: "root\u0000",
        password: "violet staple orbit lantern",
      }),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.statusCode).toBe(401);
  });

  it.each([
    "/users/%00",
    "/users/a%00b",
    "/users/%00/force-new-password",
    "/users/..%2F..",
    `/users/${"a".repeat(65)}`,
  ])("GET %s as an administrator is 404", async (path) => {
    expect((await admin.get(path)).statusCode).toBe(404);
  });

  it.each(["/users/%00/force-new-password", "/users/%00/edit", "/users/%00/deactivate"])(
    "POST %s as an administrator is 4xx",
    async (path) => {
      await admin.get("/users");
      const res = await admin.request("POST", path, {
        body: encodeForm({ _csrf: csrfOf(admin.html), displayName: "x", role: "user" }),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
    },
  );

  it.each([
    "/audit?user=%00",
    "/audit?user=a%00b&type=%00",
    "/users?q=%00",
    "/users?after=%00",
    "/users?q=r%00o",
  ])("GET %s is an ordinary page", async (path) => {
    const res = await admin.get(path);
    expect(res.statusCode).toBe(200);
  });
});

/** The error sentence of the wrong-password page, to compare the two answers. */
function wrongBodyMarker(body: string): string {
  const m = /role="alert">([^<]+)</.exec(body);
  if (!m?.[1])
    throw new Error(`no error sentence in the wrong-password page: ${body.slice(0, 400)}`);
  return m[1];
}
