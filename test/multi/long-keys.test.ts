// Security review: on PostgreSQL rate_limits.key is varchar(255), but a limiter key can
// be "u:" + a 256-character username or "email:" + a 254-character address. Such users
// got 503 at the password step, and never a code. Keys are now shortened in src/limits.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PASSWORD, location, startVestibule, type Vestibule } from "../support/harness.js";
import {
  createTestDatabase,
  probeServices,
  reportUnavailable,
  type TestDatabase,
} from "../support/services.js";

const services = await probeServices();
reportUnavailable(services, "long limiter keys on PostgreSQL", ["postgres"]);

describe.runIf(services.postgres)("long keys over HTTP on PostgreSQL", () => {
  let database: TestDatabase;
  let t: Vestibule;
  beforeAll(async () => {
    database = await createTestDatabase();
    t = await startVestibule({
      methods: ["email"],
      env: { DATABASE_URL: database.url, REDIS_URL: "" },
    });
  });
  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it("a 256-character username with a 254-character address signs in with an emailed code", async () => {
    const username = `u${"l".repeat(255)}`;
    const email = `${"m".repeat(64)}@${"d".repeat(63)}.${"e".repeat(63)}.${"f".repeat(56)}.test`;
    expect(username).toHaveLength(256);
    expect(email).toHaveLength(254);
    expect(t.system.limitStore.backend.kind).toBe("postgres");
    await t.addUser(username, { email });

    // A wrong password counts on the account key (pw_account:u:<256 characters>): 401, not 503.
    const wrong = t.browser();
    await wrong.get("/login");
    expect(
      (await wrong.post("/login", { username, password: "not the password" })).statusCode,
    ).toBe(401);

    const b = t.browser();
    await b.get("/login");
    const res = await b.post("/login", { username, password: DEFAULT_PASSWORD });
    // The first code went out (send_destination:email:<254 characters> counted).
    expect(location(res)).toBe("/login/verify");
    const mail = t.system.delivery.outbox?.list().find((m) => m.to === email);
    const code = /verification code is (\d{6})/.exec(mail?.body ?? "")?.[1];
    expect(code).toBeDefined();
    await b.get("/login/verify");
    expect(location(await b.post("/login/verify", { code: code! }))).toBe("/");
  });
});
