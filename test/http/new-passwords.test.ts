// Issue 14 (passwords): every new password is judged the way NIST SP 800-63B asks —
// breached and dictionary words, repetition and sequences, the person's and the
// installation's words (zxcvbn) — on every page that sets one, with what makes it weak in
// the reader's words; 15 characters when there is no second factor; a 4,097-character
// password is told it is too long; NFKC before hashing and comparing.
import { afterEach, describe, expect, it } from "vitest";
import type { Method } from "../../src/core/ports/runtime.js";
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

/** A browser at the forced change for `username`. */
async function atNewPassword(v: Vestibule, username: string): Promise<Browser> {
  const b = v.browser();
  await b.get("/login");
  const res = await b.post("/login", { username, password: DEFAULT_PASSWORD });
  expect(location(res)).toBe("/login/new-password");
  await b.follow(res);
  return b;
}

async function tryNew(b: Browser, password: string) {
  return b.post("/login/new-password", { newPassword: password, confirmPassword: password });
}

async function started(methods: Method[]): Promise<Vestibule> {
  t = await startVestibule({ methods });
  return t;
}

describe("the forced change judges a new password by zxcvbn, with the person's words", () => {
  it.each([
    ["Password123!", "It is a common password"],
    ["aaaaaaaaaaaaaaaa", "It repeats characters or words."],
    ["Summer2024!!!", "It is a word with a year or symbols added"],
    ["vestibule2026!", "It contains your username, your name, your email address"],
    ["margaret.smithmargaret.smith", "It contains your username"],
    ["correct horse battery staple", "It is a common password"],
    ["quellenhofmargarethe", "It contains your username, your name"],
    ["asdfghjkl;'zxcv", "It follows the keyboard"],
  ])("%s is refused, saying why", async (password, why) => {
    const v = await started(["app"]);
    await v.addUser("margaret.smith", {
      mustChange: true,
      displayName: "Margarethe Quellenhof",
      email: "mq@example.org",
    });
    const b = await atNewPassword(v, "margaret.smith");
    const res = await tryNew(b, password);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("That password is too easy to guess.");
    expect(res.body).toContain(why);
    expect(res.body).toContain("A few unrelated words make a strong password");
    expect(res.body).not.toContain(password.replace(/&/g, "&amp;"));
    const user = await v.system.stores.users.findByUsername("margaret.smith");
    expect(user?.mustChangePassword).toBe(true);
  });

  it("a strong passphrase goes through", async () => {
    const v = await started(["app"]);
    await v.addUser("margaret.smith", { mustChange: true });
    const b = await atNewPassword(v, "margaret.smith");
    expect(location(await tryNew(b, "lantern quarry velvet ochre"))).toBe("/login/setup");
  });

  it("a 4,097-character password is told it is too long, not too short", async () => {
    const v = await started(["app"]);
    await v.addUser("long", { mustChange: true });
    const b = await atNewPassword(v, "long");
    const res = await tryNew(b, "x".repeat(4097));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("too long (at most 128 characters)");
    expect(res.body).not.toContain("too short");
  });

  it("without a second factor the minimum is 15, and the page says so", async () => {
    const v = await started([]);
    await v.addUser("solo", { mustChange: true });
    const b = await atNewPassword(v, "solo");
    expect(b.html).toContain("At least 15 characters");
    const short = await tryNew(b, "ochre lantern q"); // 15: fine
    expect(location(short)).toBe("/");
    await v.addUser("solo2", { mustChange: true });
    const b2 = await atNewPassword(v, "solo2");
    const res = await tryNew(b2, "ochre lantern ");
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("at least 15 characters");
  });

  it("a password set in one Unicode form signs in from the other (NFKC)", async () => {
    const v = await started([]);
    await v.addUser("rene", { mustChange: true });
    const b = await atNewPassword(v, "rene");
    const composed = "café crème brûlée soufflé"; // é as U+00E9
    expect(location(await tryNew(b, composed))).toBe("/");
    const decomposed = composed.normalize("NFD");
    expect(decomposed).not.toBe(composed);
    const again = v.browser();
    await again.get("/login");
    expect(location(await again.post("/login", { username: "rene", password: decomposed }))).toBe(
      "/",
    );
  });
});

describe("Add a user (web) judges the temporary password the same way", () => {
  async function addForm(v: Vestibule, password: string, extra: Record<string, string> = {}) {
    const admin = await v.addUser(`root${Math.random().toString(36).slice(2, 8)}`, {
      role: "administrator",
    });
    const br = await v.signIn(admin.username, await v.enrolApp(admin));
    await br.get("/users/new");
    return br.post("/users/new", {
      username: "newbie",
      displayName: "",
      email: "",
      phone: "",
      role: "user",
      password,
      ...extra,
    });
  }

  it("weak: the field says why, nothing is added", async () => {
    const v = await started(["app"]);
    const res = await addForm(v, "Summer2024!!!");
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("That password is too easy to guess.");
    expect(res.body).toContain("It is a word with a year or symbols added");
    expect(await v.system.stores.users.findByUsername("newbie")).toBeUndefined();
  });

  it("the new user's name and address are context words", async () => {
    const v = await started(["app"]);
    const res = await addForm(v, "Hildegard.Oberwald", {
      displayName: "Hildegard Oberwald",
      email: "h.oberwald@example.org",
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("It contains your username, your name");
  });

  it("4,097 characters: too long, not blanked into an empty field", async () => {
    const v = await started(["app"]);
    const res = await addForm(v, "y".repeat(4097));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("The password is too long (at most 128 characters).");
  });
});
