// SECRET_KEY rotation, end to end: enrol the authenticator under key A; restart with
// SECRET_KEY=B and SECRET_KEY_PREVIOUS=A and sign in with the app; without A the
// sealed TOTP key cannot be opened (503, not a bypass).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { setEnabledMethods } from "../../src/core/policy.js";
import { generateTotp } from "../../src/core/totp.js";
import {
  continueAfterSave,
  fixedClock,
  location,
  manualKeyOf,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";

const KEY_A = "key-A-0123456789abcdefghijklmnopqrstuvwxyz-AAAA";
const KEY_B = "key-B-0123456789abcdefghijklmnopqrstuvwxyz-BBBB";

describe("SECRET_KEY rotation", () => {
  const dir = mkdtempSync(join(tmpdir(), "vestibule-rotation-"));
  const DATABASE_URL = `sqlite:${join(dir, "v.db")}`;
  const clock = fixedClock();
  const open: Vestibule[] = [];
  const start = async (env: Record<string, string>) => {
    const t = await startVestibule({ clock, env: { DATABASE_URL, ...env } });
    open.push(t);
    return t;
  };
  afterAll(async () => {
    for (const t of open) await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a TOTP key sealed under A opens under B with A as previous key", async () => {
    // Enrol through the pages, under key A.
    const a = await start({ SECRET_KEY: KEY_A });
    await setEnabledMethods(a.system.stores.settings, ["app"]);
    const user = await a.addUser("rotor");
    const b1 = a.browser();
    await b1.get("/login");
    expect(
      location(
        await b1.post("/login", { username: "rotor", password: "violet staple orbit lantern" }),
      ),
    ).toBe("/login/setup");
    await b1.get("/login/setup?show=1");
    const secret = manualKeyOf(b1.html);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const saved = await b1.post("/login/setup", { code: generateTotp(secret!, clock.now()) });
    expect(continueAfterSave(saved)).toBe("/login?notice=app_added");
    const sealed = (await a.system.stores.authenticators.get(user.id))?.secretBox ?? "";
    expect(sealed).not.toContain(secret!);
    await a.close();
    open.pop();

    // Restart with only B: the old box cannot be opened, and nothing lets the user through.
    const onlyB = await start({ SECRET_KEY: KEY_B });
    clock.advance(30_000);
    const refused = onlyB.browser();
    await refused.get("/login");
    await refused.post("/login", { username: "rotor", password: "violet staple orbit lantern" });
    await refused.get("/login/verify");
    const res = await refused.post("/login/verify", { code: generateTotp(secret!, clock.now()) });
    expect(res.statusCode).toBe(503);
    expect(refused.jar.has(onlyB.system.kit.names.session)).toBe(false);
    await onlyB.close();
    open.pop();

    // Restart with B current and A previous: sign-in with the app works.
    const rotated = await start({
      SECRET_KEY: KEY_B,
      SECRET_KEY_PREVIOUS: `unused-${KEY_B}, ${KEY_A}`,
    });
    clock.advance(30_000);
    const b2 = await rotated.signIn("rotor", secret);
    const home = await b2.get("/");
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain("rotor");
  });
});
