// Second review: the pending sign-in can end between loading it and writing its set-up
// key (it expires, Force New Password, a code sent from another tab moves it on). The
// set-up page then starts the sign-in over ("expired"), never a 503.
import { afterEach, describe, expect, it } from "vitest";
import type { Stores } from "../../src/core/ports/stores.js";
import { hashToken } from "../../src/core/secrets.js";
import {
  type Browser,
  DEFAULT_PASSWORD,
  location,
  startVestibule,
  type Vestibule,
} from "../support/harness.js";

let t: Vestibule | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function toSetup(a: Vestibule, username: string): Promise<Browser> {
  const b = a.browser();
  await b.get("/login");
  const res = await b.post("/login", { username, password: DEFAULT_PASSWORD });
  expect(location(res)).toBe("/login/setup");
  await b.follow(res);
  return b;
}

/** Runs `meanwhile` just before the key is written, once. */
function beforeKeyWrite(store: Stores, meanwhile: (idHash: string) => Promise<void>): void {
  const original = store.flows.setSetupKey.bind(store);
  let armed = true;
  store.flows.setSetupKey = async (idHash, box) => {
    if (armed) {
      armed = false;
      await meanwhile(idHash);
    }
    return original(idHash, box);
  };
}

const CASES: [string, (a: Vestibule, userId: string, idHash: string) => Promise<void>][] = [
  [
    "Force New Password",
    (a, userId) =>
      a.system.stores.users.forceNewPassword(userId, { at: a.clock.now(), byId: null }),
  ],
  [
    "a code sent from another tab (moved on to verify)",
    async (a, _userId, idHash) => {
      await a.system.stores.flows.advance(idHash, "setup_app", "verify", hashToken("other"));
    },
  ],
  ["expiry (the row swept)", (a, _userId, idHash) => a.system.stores.flows.delete(idHash)],
];

describe("the pending sign-in ends while the set-up key is written", () => {
  it.each(CASES)("Show QR code after %s: back to Login, not 503", async (_, end) => {
    t = await startVestibule({ methods: ["app"] });
    const user = await t.addUser("sue");
    const b = await toSetup(t, "sue");
    const a = t;
    beforeKeyWrite(t.system.stores, (idHash) => end(a, user.id, idHash));
    const res = await b.get("/login/setup?show=1");
    expect(res.statusCode).toBe(303);
    expect(location(res)).toBe("/login?notice=expired");
    expect(res.body).not.toMatch(/[A-Z2-7]{4} [A-Z2-7]{4}/);
  });

  it.each(CASES)(
    "Save (refused, page redrawn with the key) after %s: back to Login",
    async (_, end) => {
      t = await startVestibule({ methods: ["app"] });
      const user = await t.addUser("sid");
      const b = await toSetup(t, "sid");
      const a = t;
      beforeKeyWrite(t.system.stores, (idHash) => end(a, user.id, idHash));
      // Save before Show QR code: refused, and the redrawn page writes the key.
      const res = await b.post("/login/setup", { code: "123456" });
      expect(res.statusCode).toBe(303);
      expect(location(res)).toBe("/login?notice=expired");
    },
  );
});
