import { hash } from "@node-rs/argon2";
import { beforeAll, describe, expect, it, vi } from "vitest";
import {
  ARGON2_OPTIONS,
  createPasswordHasher,
  HasherBusyError,
  type PasswordHasher,
} from "./password.js";

describe("password hasher (argon2id)", () => {
  let hasher: PasswordHasher;
  let phc: string;

  beforeAll(async () => {
    hasher = await createPasswordHasher();
    phc = await hasher.hash("violet staple orbit lantern");
  });

  it("stores argon2id with OWASP's m=19456, t=2, p=1 in the PHC string", () => {
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
  });

  it("salts: the same password hashes differently", async () => {
    expect(await hasher.hash("violet staple orbit lantern")).not.toBe(phc);
  });

  it("verifies the right password only", async () => {
    expect(await hasher.verify(phc, "violet staple orbit lantern")).toBe(true);
    expect(await hasher.verify(phc, "violet staple orbit lanterN")).toBe(false);
    expect(await hasher.verify(phc, "")).toBe(false);
  });

  it("answers false, not an exception, for a malformed hash", async () => {
    expect(await hasher.verify("not a hash", "x")).toBe(false);
    expect(await hasher.verify("", "x")).toBe(false);
  });

  it("the dummy verify really spends argon2 work: a verify of a hash with the real parameters", async () => {
    const verify = vi.spyOn(hasher, "verify");
    try {
      await hasher.verifyDummy("whatever");
      expect(verify).toHaveBeenCalledTimes(1);
      const [dummy, password] = verify.mock.calls[0]!;
      expect(dummy).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(password).toBe("whatever");
    } finally {
      verify.mockRestore();
    }
  });

  it("does not block the event loop while hashing", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await hasher.verify(phc, "wrong password here");
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
  });
});

describe("passwords are compared in NFKC", () => {
  // "café" as one code point (U+00E9) and as "e" + COMBINING ACUTE ACCENT (U+0301).
  const composed = "caf\u00e9 lantern orbit staple";
  const decomposed = "cafe\u0301 lantern orbit staple";
  let hasher: PasswordHasher;
  beforeAll(async () => {
    hasher = await createPasswordHasher();
  });

  it("the test's two strings really differ as typed and agree once normalised", () => {
    expect(composed).not.toBe(decomposed);
    expect(composed.normalize("NFKC")).toBe(decomposed.normalize("NFKC"));
  });

  it("a password set composed signs in decomposed, and the other way round", async () => {
    const fromComposed = await hasher.hash(composed);
    const fromDecomposed = await hasher.hash(decomposed);
    expect(await hasher.verify(fromComposed, decomposed)).toBe(true);
    expect(await hasher.verify(fromDecomposed, composed)).toBe(true);
    expect(await hasher.verify(fromComposed, "cafe lantern orbit staple")).toBe(false);
  });

  it("compatibility forms match their plain letters (full-width, ligatures)", async () => {
    const stored = await hasher.hash("office staple orbit 42");
    expect(await hasher.verify(stored, "o\ufb03ce staple orbit \uff14\uff12")).toBe(true);
  });

  it("a hash made before normalisation (of the password as typed) still verifies", async () => {
    const legacy = await hash(decomposed, ARGON2_OPTIONS);
    expect(await hasher.verify(legacy, decomposed)).toBe(true);
    expect(await hasher.verify(legacy, "cafe lantern orbit staple")).toBe(false);
  });
});

describe("test-only cheap setting", () => {
  it("createPasswordHasher takes a small memoryCost/timeCost and records it in the hash", async () => {
    const cheap = await createPasswordHasher({ memoryCost: 1024, timeCost: 1 });
    const phc = await cheap.hash("violet staple orbit lantern");
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    expect(await cheap.verify(phc, "violet staple orbit lantern")).toBe(true);
  });
});

describe("hasher cap", () => {
  it("with maxConcurrent 1 and maxQueued 0, a second concurrent hash is refused fast", async () => {
    const hasher = await createPasswordHasher({ maxConcurrent: 1, maxQueued: 0 });
    let firstDone = false;
    const first = hasher.hash("first password 1234").finally(() => {
      firstDone = true;
    });
    await expect(hasher.hash("second password 1234")).rejects.toBeInstanceOf(HasherBusyError);
    await expect(hasher.verify("x", "y")).rejects.toBeInstanceOf(HasherBusyError);
    await expect(hasher.verifyDummy("y")).rejects.toBeInstanceOf(HasherBusyError);
    // Refused at once: while the first hash is still running, not after waiting for it.
    expect(firstDone).toBe(false);
    // The first one finishes, and the slot is free again afterwards.
    expect(await first).toMatch(/^\$argon2id\$/);
    expect(await hasher.hash("third password 1234")).toMatch(/^\$argon2id\$/);
  });

  it("queues up to maxQueued, then refuses; the queue drains in order", async () => {
    const hasher = await createPasswordHasher({ maxConcurrent: 1, maxQueued: 1 });
    const a = hasher.hash("password number a");
    const b = hasher.hash("password number b");
    await expect(hasher.hash("password number c")).rejects.toBeInstanceOf(HasherBusyError);
    const [ha, hb] = await Promise.all([a, b]);
    expect(await hasher.verify(ha, "password number a")).toBe(true);
    expect(await hasher.verify(hb, "password number b")).toBe(true);
  });

  it("saturated() says whether the next hash would be refused, and agrees with the gate", async () => {
    const hasher = await createPasswordHasher({ maxConcurrent: 1, maxQueued: 1 });
    expect(hasher.saturated()).toBe(false);
    const a = hasher.hash("password number a");
    // One running, the queue (1) empty: the next one would wait, not be refused.
    expect(hasher.saturated()).toBe(false);
    const b = hasher.hash("password number b");
    expect(hasher.saturated()).toBe(true);
    await expect(hasher.hash("password number c")).rejects.toBeInstanceOf(HasherBusyError);
    await Promise.all([a, b]);
    expect(hasher.saturated()).toBe(false);
  });

  it("a failed task frees its slot", async () => {
    const hasher = await createPasswordHasher({ maxConcurrent: 1, maxQueued: 0 });
    expect(await hasher.verify("$argon2id$broken", "x")).toBe(false);
    expect(await hasher.verify("$argon2id$broken", "x")).toBe(false);
  });
});
