// Review of issue 11: a code refused with "your phone's clock looks N minutes ahead" is a
// code that WILL be right N minutes later. Someone who has the password and guesses codes
// learns from the hint exactly when a lucky guess becomes valid; the issue says such a code
// "still counts as a wrong code and is never accepted". It must stay refused when its time
// comes, in this sign-in and in a new one.
import { afterEach, describe, expect, it } from "vitest";
import { startVestibule, type Vestibule } from "../support/harness.js";
import { atVerify } from "../support/recovery.js";

let v: Vestibule | undefined;
afterEach(async () => {
  await v?.close();
  v = undefined;
});

describe("a code refused as from a phone ahead of time", () => {
  it("is never accepted later, in the same sign-in or another", async () => {
    const t = await startVestibule({ methods: ["app"] });
    v = t;
    const ann = await t.addUser("ann");
    const secret = await t.enrolApp(ann);
    const guesser = await atVerify(t, "ann");
    // A guess that happens to be the code of 5 minutes from now.
    const future = t.totp(secret, 10);
    const hinted = await guesser.post("/login/verify", { code: future });
    expect(hinted.body).toContain("clock looks about 5 minutes ahead.");

    t.clock.advance(5 * 60_000);
    expect(t.totp(secret)).toBe(future);
    const same = await guesser.post("/login/verify", { code: future });
    expect(same.statusCode).toBe(401);
    expect(guesser.jar.has("vst_session")).toBe(false);

    // A new sign-in (the password again) does not accept it either.
    const again = await atVerify(t, "ann");
    const retry = await again.post("/login/verify", { code: future });
    expect(retry.statusCode).toBe(401);
    expect(again.jar.has("vst_session")).toBe(false);

    // The owner's next code still works.
    t.clock.advance(30_000);
    const owner = await atVerify(t, "ann");
    const ok = await owner.post("/login/verify", { code: t.totp(secret) });
    expect(ok.statusCode).toBe(303);
    expect(owner.jar.has("vst_session")).toBe(true);
  });
});
