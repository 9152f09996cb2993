// `vestibule client …` and `vestibule oidc keys …`, in-process through the CLI's run()
// (as src/cli/main.test.ts does), on a temp SQLite database.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clientMetadata } from "../../src/oidc/clients.js";
import { oidcBox } from "../../src/oidc/sealing.js";
import { openDatabase } from "../../src/store/open.js";
import { systemRandom } from "../../src/system.js";
import { type CliResult, runCli } from "../support/cli.js";

const SECRET_KEY = "oidc-cli-test-secret-key-0123456789abcdefgh";
let dir: string;
let dbUrl: string;
const savedEnv = { ...process.env };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "vestibule-oidc-cli-"));
  dbUrl = `sqlite:${join(dir, "vestibule.db")}`;
  process.env.DATABASE_URL = dbUrl;
  process.env.SECRET_KEY = SECRET_KEY;
  process.env.NODE_ENV = "test";
});
afterEach(() => {
  process.env = { ...savedEnv };
  rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[]): Promise<CliResult> => runCli(args);

async function withDb<T>(
  work: (opened: ReturnType<typeof openDatabase>) => Promise<T>,
): Promise<T> {
  const opened = openDatabase(dbUrl);
  try {
    return await work(opened);
  } finally {
    await opened.close();
  }
}

const clientRows = () =>
  withDb((o) =>
    o.db
      .selectFrom("oidc_clients")
      .selectAll()
      .execute()
      .catch(() => []),
  );

const lines = (out: string) =>
  out
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("vestibule client add", () => {
  it("prints one JSON line with the id and the secret, shown once and stored sealed", async () => {
    const res = await cli([
      "client",
      "add",
      "Wiki",
      "--redirect-uri",
      "https://wiki.example.org/oidc/callback",
      "--redirect-uri",
      "http://127.0.0.1:8080/callback",
      "--post-logout-redirect-uri",
      "https://wiki.example.org/",
      "--require-mfa",
    ]);
    expect(res).toMatchObject({ code: 0, err: "" });
    const [printed, ...more] = lines(res.out);
    expect(more).toEqual([]);
    expect(printed).toEqual({ client_id: expect.any(String), client_secret: expect.any(String) });
    const secret = String(printed!.client_secret);
    expect(secret.length).toBeGreaterThanOrEqual(43);
    const rows = await clientRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      client_id: printed!.client_id,
      name: "Wiki",
      public: 0,
      require_mfa: 1,
    });
    expect(JSON.stringify(rows[0])).not.toContain(secret);
    // What the provider reads: the secret opens with SECRET_KEY, and only with it.
    const box = oidcBox([SECRET_KEY], "oidc-client-secret", systemRandom);
    const metadata = await withDb((o) =>
      clientMetadata({ db: o.db, box }, String(printed!.client_id)),
    );
    expect(metadata).toMatchObject({
      client_secret: secret,
      token_endpoint_auth_method: "client_secret_basic",
      redirect_uris: ["https://wiki.example.org/oidc/callback", "http://127.0.0.1:8080/callback"],
      post_logout_redirect_uris: ["https://wiki.example.org/"],
      require_mfa: true,
    });
    const list = await cli(["client", "list"]);
    expect(list.out).not.toContain(secret);
  });

  it("a public client gets no secret and authenticates with PKCE only", async () => {
    const res = await cli([
      "client",
      "add",
      "SPA",
      "--redirect-uri",
      "https://spa.example.org/cb",
      "--public",
    ]);
    expect(res.code).toBe(0);
    const [printed] = lines(res.out);
    expect(Object.keys(printed!)).toEqual(["client_id"]);
    expect((await clientRows())[0]).toMatchObject({ public: 1, secret_box: null });
  });

  it.each([
    ["no name", ["client", "add", "--redirect-uri", "https://a.example/cb"]],
    ["two names", ["client", "add", "A", "B", "--redirect-uri", "https://a.example/cb"]],
    ["no redirect URI", ["client", "add", "A"]],
    [
      "unknown flag",
      ["client", "add", "A", "--redirect-uri", "https://a.example/cb", "--secret", "x"],
    ],
    ["relative URI", ["client", "add", "A", "--redirect-uri", "/callback"]],
    ["http off loopback", ["client", "add", "A", "--redirect-uri", "http://app.example.org/cb"]],
    ["a fragment", ["client", "add", "A", "--redirect-uri", "https://a.example/cb#x"]],
    ["a wildcard", ["client", "add", "A", "--redirect-uri", "https://*.example.org/cb"]],
    ["a wildcard path", ["client", "add", "A", "--redirect-uri", "https://a.example/*"]],
    ["user info", ["client", "add", "A", "--redirect-uri", "https://u:p@a.example/cb"]],
    ["javascript:", ["client", "add", "A", "--redirect-uri", "javascript:alert(1)"]],
    ["a custom scheme", ["client", "add", "A", "--redirect-uri", "com.example.app:/cb"]],
    ["a space", ["client", "add", "A", "--redirect-uri", "https://a.example/c b"]],
    [
      "a bad post-logout URI",
      [
        "client",
        "add",
        "A",
        "--redirect-uri",
        "https://a.example/cb",
        "--post-logout-redirect-uri",
        "http://evil.example/",
      ],
    ],
    ["an empty name", ["client", "add", "  ", "--redirect-uri", "https://a.example/cb"]],
    ["a control character", ["client", "add", "A\u0007", "--redirect-uri", "https://a.example/cb"]],
  ])("%s → one line on stderr, exit 2, nothing written", async (_label, args) => {
    const res = await cli(args);
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/^vestibule: [^\n]+\n$/);
    expect(res.out).toBe("");
    expect(await clientRows()).toEqual([]);
  });
});

describe("vestibule client list, remove, rotate-secret", () => {
  async function add(name: string, extra: string[] = []) {
    const res = await cli([
      "client",
      "add",
      name,
      "--redirect-uri",
      `https://${name}.example/cb`,
      ...extra,
    ]);
    return lines(res.out)[0] as { client_id: string; client_secret?: string };
  }

  it("list prints one JSON line per client, without secrets", async () => {
    const a = await add("alpha");
    const b = await add("beta", ["--public"]);
    const res = await cli(["client", "list"]);
    expect(res.code).toBe(0);
    const listed = lines(res.out);
    expect(listed.map((c) => c.client_id)).toEqual([a.client_id, b.client_id]);
    expect(listed[0]).toEqual({
      client_id: a.client_id,
      name: "alpha",
      redirect_uris: ["https://alpha.example/cb"],
      post_logout_redirect_uris: [],
      public: false,
      require_mfa: false,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(res.out).not.toContain(a.client_secret!);
    expect(res.out).not.toMatch(/secret/);
  });

  it("remove deletes the client and what the provider stored for it", async () => {
    const a = await add("alpha");
    const b = await add("beta");
    await withDb((o) =>
      o.db
        .insertInto("oidc_models")
        .values(
          [a, b].map((c) => ({
            model: "RefreshToken",
            id: `rt-${c.client_id}`,
            payload: "{}",
            grant_id: null,
            uid: null,
            user_code: null,
            account_id: "u1",
            client_id: c.client_id,
            expires_at: null,
            consumed_at: null,
          })),
        )
        .execute(),
    );
    const res = await cli(["client", "remove", a.client_id]);
    expect(res).toMatchObject({ code: 0 });
    expect((await clientRows()).map((r) => r.client_id)).toEqual([b.client_id]);
    const left = await withDb((o) => o.db.selectFrom("oidc_models").select("client_id").execute());
    expect(left).toEqual([{ client_id: b.client_id }]);
  });

  it("rotate-secret prints a new secret; the old one is gone", async () => {
    const a = await add("alpha");
    const res = await cli(["client", "rotate-secret", a.client_id]);
    expect(res.code).toBe(0);
    const [printed] = lines(res.out);
    expect(printed).toEqual({ client_id: a.client_id, client_secret: expect.any(String) });
    expect(printed!.client_secret).not.toBe(a.client_secret);
    const box = oidcBox([SECRET_KEY], "oidc-client-secret", systemRandom);
    const metadata = await withDb((o) => clientMetadata({ db: o.db, box }, a.client_id));
    expect(metadata?.client_secret).toBe(printed!.client_secret);
  });

  it.each([
    ["remove an unknown id", ["client", "remove", "nope"]],
    ["remove without an id", ["client", "remove"]],
    ["remove two ids", ["client", "remove", "a", "b"]],
    ["rotate an unknown id", ["client", "rotate-secret", "nope"]],
    ["list with an argument", ["client", "list", "x"]],
    ["an unknown subcommand", ["client", "frobnicate"]],
  ])("%s → exit 2, nothing changed", async (_label, args) => {
    const a = await add("alpha");
    const before = await clientRows();
    const res = await cli(args);
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/^vestibule: /);
    expect(res.out).toBe("");
    expect(await clientRows()).toEqual(before);
    expect(before[0]?.client_id).toBe(a.client_id);
  });

  it("rotate-secret of a public client → exit 2: it has no secret", async () => {
    const spa = await add("spa", ["--public"]);
    const res = await cli(["client", "rotate-secret", spa.client_id]);
    expect(res.code).toBe(2);
    expect(res.err).toContain("is public");
    expect((await clientRows())[0]).toMatchObject({ secret_box: null });
  });
});

describe("vestibule oidc keys", () => {
  it("rotate publishes, then promotes, then refuses to retire within the ID token lifetime", async () => {
    // The first key is made at the first start (here: the first rotate on an empty table).
    const created = await cli(["oidc", "keys", "rotate"]);
    expect(lines(created.out)[0]).toMatchObject({ step: "published" });
    const published = await cli(["oidc", "keys", "rotate"]);
    expect(lines(published.out)[0]).toMatchObject({
      step: "published",
      next: expect.stringMatching(/restart/),
    });
    const promoted = await cli(["oidc", "keys", "rotate"]);
    expect(lines(promoted.out)[0]).toMatchObject({
      step: "promoted",
      kid: lines(published.out)[0]!.kid,
    });
    const list = lines((await cli(["oidc", "keys", "list"])).out);
    expect(list.map((k) => k.state)).toEqual(["current", "previous"]);
    expect(JSON.stringify(list)).not.toMatch(/"d"|private/);
    const early = await cli(["oidc", "keys", "rotate"]);
    expect(early.code).toBe(2);
    expect(early.err).toMatch(/^vestibule: not yet: .* retire it after \d{4}-/);
    expect(lines((await cli(["oidc", "keys", "list"])).out)).toHaveLength(2);
  });

  it.each([
    [["oidc", "keys"]],
    [["oidc", "keys", "spin"]],
    [["oidc", "keys", "rotate", "now"]],
    [["oidc"]],
  ])("%j → exit 2", async (args) => {
    const res = await cli(args);
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/^vestibule: /);
  });
});
