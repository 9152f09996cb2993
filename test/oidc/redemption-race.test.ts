// Of 20 concurrent redemptions of one authorization code (or one refresh token) exactly
// one gets tokens and the others get invalid_grant (400, never 500): on SQLite, on
// PostgreSQL, and across two instances on one PostgreSQL database. A barrier holds every
// request at the adapter's consume until all 20 passed the provider's own "already
// used?" check, so the race is real on every run. The same race against the provider's
// stock consume (an unconditional write, as its memory adapter does) redeems one code
// many times: that is what the conditional UPDATE prevents.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type OpenedDatabase, openDatabase } from "../../src/store/open.js";
import {
  createTestDatabase,
  probeServices,
  reportUnavailable,
  type TestDatabase,
} from "../support/services.js";
import { type OidcServer, startOidcServer } from "./support/oidc-server.js";
import { barrier, type Gate, holdConsume, tally, tokenRequest } from "./support/race.js";
import { authorize, exchange, REDIRECT_URI, relyingParty } from "./support/relying-party.js";

const RACERS = 20;
const RACED = ["AuthorizationCode", "RefreshToken"];

interface Setup {
  servers: OidcServer[];
  gate: Gate;
}

async function codeAndClient(servers: OidcServer[]) {
  const [first] = servers as [OidcServer];
  const user = await first.addUser(`u${Math.random().toString(36).slice(2, 10)}`);
  const client = await first.addClient({});
  const rp = await relyingParty(first, client);
  const auth = await authorize(rp, first.browser(), { user });
  return { client, rp, auth, code: auth.callback.searchParams.get("code") ?? "" };
}

async function raceCode({ servers, gate }: Setup) {
  const { client, code, auth } = await codeAndClient(servers);
  gate.current = barrier(RACERS);
  const answers = await Promise.all(
    Array.from({ length: RACERS }, (_, i) =>
      tokenRequest(servers[i % servers.length]!, client, {
        grant_type: "authorization_code",
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: auth.verifier,
      }),
    ),
  );
  gate.current = undefined;
  return { client, answers };
}

async function raceRefresh({ servers, gate }: Setup) {
  const { client, rp, auth } = await codeAndClient(servers);
  const tokens = await exchange(rp, auth);
  gate.current = barrier(RACERS);
  const answers = await Promise.all(
    Array.from({ length: RACERS }, (_, i) =>
      tokenRequest(servers[i % servers.length]!, client, {
        grant_type: "refresh_token",
        refresh_token: tokens.refresh_token ?? "",
      }),
    ),
  );
  gate.current = undefined;
  return { client, answers };
}

function raceSuite(label: string, setup: () => Setup) {
  describe(label, () => {
    afterEach(() => {
      for (const s of setup().servers) expect(s.serverErrors).toEqual([]);
    });

    it("20 concurrent redemptions of one code: one 200, nineteen invalid_grant, and the grant is revoked", async () => {
      const { servers } = setup();
      const { client, answers } = await raceCode(setup());
      expect(tally(answers)).toMatchObject({ ok: 1, invalidGrant: RACERS - 1 });
      // A code redeemed twice is a stolen code (RFC 6749 §4.1.2): the winner's tokens die too.
      const winner = answers.find((a) => a.status === 200)!;
      const refresh = await tokenRequest(servers[0]!, client, {
        grant_type: "refresh_token",
        refresh_token: String(winner.body.refresh_token),
      });
      expect(refresh).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    });

    it("20 concurrent refreshes with one refresh token: one 200, nineteen invalid_grant, and the grant is revoked", async () => {
      const { servers } = setup();
      const { client, answers } = await raceRefresh(setup());
      expect(tally(answers)).toMatchObject({ ok: 1, invalidGrant: RACERS - 1 });
      // RFC 9700 §4.14.2: a rotated refresh token presented again revokes the grant.
      const winner = answers.find((a) => a.status === 200)!;
      const next = await tokenRequest(servers[servers.length - 1]!, client, {
        grant_type: "refresh_token",
        refresh_token: String(winner.body.refresh_token),
      });
      expect(next).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    });
  });
}

describe("SQLite", () => {
  const setup: Setup = { servers: [], gate: {} };
  beforeAll(async () => {
    setup.servers.push(await startOidcServer({ wrapStorage: holdConsume(RACED, setup.gate) }));
  });
  afterAll(async () => {
    for (const s of setup.servers) await s.close();
  });
  raceSuite("one instance", () => setup);
});

describe("the provider's stock consume (control)", () => {
  const setup: Setup = { servers: [], gate: {} };
  let dir = "";
  let opened: OpenedDatabase | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "vestibule-oidc-stock-"));
    const url = `sqlite:${join(dir, "v.db")}`;
    const db = openDatabase(url);
    opened = db;
    // Check-then-write: the provider looked at `consumed` in find(); consume just marks.
    const stockConsume = async (model: string, id: string) => {
      await db.db
        .updateTable("oidc_models")
        .set({ consumed_at: Date.now() })
        .where("model", "=", model)
        .where("id", "=", id)
        .execute();
    };
    setup.servers.push(
      await startOidcServer({
        databaseUrl: url,
        wrapStorage: holdConsume(RACED, setup.gate, stockConsume),
      }),
    );
  });
  afterAll(async () => {
    for (const s of setup.servers) await s.close();
    await opened?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("redeems one authorization code many times under the same race", async () => {
    const { answers } = await raceCode(setup);
    expect(tally(answers).ok).toBeGreaterThan(1);
  });

  it("rotates one refresh token many times under the same race", async () => {
    const { answers } = await raceRefresh(setup);
    expect(tally(answers).ok).toBeGreaterThan(1);
  });
});

const services = await probeServices();
reportUnavailable(services, "oidc redemption races on PostgreSQL", ["postgres"]);

describe.runIf(services.postgres)("PostgreSQL", () => {
  let database: TestDatabase;
  const one: Setup = { servers: [], gate: {} };
  const two: Setup = { servers: [], gate: {} };
  beforeAll(async () => {
    database = await createTestDatabase();
    one.servers.push(
      await startOidcServer({
        databaseUrl: database.url,
        wrapStorage: holdConsume(RACED, one.gate),
      }),
    );
    // Two more instances on the same database, with one barrier between them.
    for (let i = 0; i < 2; i++) {
      two.servers.push(
        await startOidcServer({
          databaseUrl: database.url,
          wrapStorage: holdConsume(RACED, two.gate),
        }),
      );
    }
  });
  afterAll(async () => {
    for (const s of [...one.servers, ...two.servers]) await s.close();
    await database?.drop();
  });
  raceSuite("one instance", () => one);
  raceSuite("two instances on one database", () => two);
});
