// Issue 11: one recovery code submitted 20 times at once (20 browsers past the password)
// signs in once, on SQLite and on PostgreSQL: single use by one conditional UPDATE.
import { afterEach, describe, expect, it } from "vitest";
import { location, startVestibule, type Vestibule } from "../support/harness.js";
import { atVerify, userWithCodes } from "../support/recovery.js";
import {
  createTestDatabase,
  probeServices,
  reportUnavailable,
  type TestDatabase,
} from "../support/services.js";

let v: Vestibule | undefined;
let database: TestDatabase | undefined;
afterEach(async () => {
  await v?.close();
  v = undefined;
  await database?.drop();
  database = undefined;
});

const services = await probeServices();
reportUnavailable(services, "the recovery-code race on PostgreSQL");

async function raceOneCode(t: Vestibule): Promise<void> {
  const { codes } = await userWithCodes(t, "eve");
  // 20 browsers past the password at once, each submitting the same code: one sign-in.
  const browsers = [];
  for (let i = 0; i < 20; i++) browsers.push(await atVerify(t, "eve", `10.0.1.${i + 1}`));
  const results = await Promise.all(
    browsers.map((b) => b.post("/login/verify", { form: "recovery", code: codes[0]! })),
  );
  expect(results.filter((r) => location(r) === "/")).toHaveLength(1);
  expect(browsers.filter((b) => b.jar.has("vst_session"))).toHaveLength(1);
  expect(results.every((r) => r.statusCode < 500)).toBe(true);
  expect(await t.system.stores.audit.list({ type: "recovery_code_used", limit: 50 })).toHaveLength(
    1,
  );
  expect(await t.system.stores.audit.list({ type: "signin_ok", limit: 50 })).toHaveLength(1);
}

describe("one recovery code submitted 20 times at once signs in once", () => {
  it("on SQLite", async () => {
    v = await startVestibule({ methods: ["app"], env: { LIMIT_SECOND_FACTOR: "100/86400/900" } });
    await raceOneCode(v);
  });

  it.runIf(services.postgres)("on PostgreSQL", async () => {
    database = await createTestDatabase();
    v = await startVestibule({
      methods: ["app"],
      env: { DATABASE_URL: database.url, LIMIT_SECOND_FACTOR: "100/86400/900" },
    });
    await raceOneCode(v);
  });
});
