// Roles on every supervisor and administrator route (DESIGN §1, issue 4 item 1 and 8):
// anonymous and half-signed-in browsers are sent to Login, users get 403, supervisors
// act on users only, administrators on users and supervisors, nobody on themselves,
// and a POST without the session's CSRF token is refused with nothing written.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { User } from "../../src/core/ports/users.js";
import { type Browser, location, startVestibule, type Vestibule } from "../support/harness.js";

let t: Vestibule;
const u: Record<string, User> = {};
const secrets: Record<string, string> = {};
const b: Record<string, Browser> = {};

beforeAll(async () => {
  t = await startVestibule({ methods: ["app"] });
  for (const [name, role] of [
    ["admin", "administrator"],
    ["admin2", "administrator"],
    ["sup", "supervisor"],
    ["sup2", "supervisor"],
    ["alice", "user"],
    ["bob", "user"],
  ] as const) {
    u[name] = await t.addUser(name, { role, email: `${name}@example.org` });
    secrets[name] = await t.enrolApp(u[name]!);
  }
  for (const name of ["admin", "sup", "alice"]) {
    b[name] = await t.signIn(name, secrets[name]);
    t.clock.advance(30_000); // the next sign-in needs a newer TOTP step
  }
});

afterAll(async () => {
  await t.close();
});

/** Everything a refused request must leave as it was. */
async function snapshot(): Promise<string> {
  const db = t.system.database.db;
  const rows = await Promise.all([
    sql`select count(*) as n from audit_events`.execute(db),
    sql`select id, role, active, must_change_password, display_name, email, phone from users order by id`.execute(
      db,
    ),
    sql`select user_id, confirmed_at from authenticators order by user_id`.execute(db),
    sql`select count(*) as n from sessions`.execute(db),
    sql`select * from settings order by key`.execute(db),
  ]);
  return JSON.stringify(rows.map((r) => r.rows));
}

type Route = { method: "GET" | "POST"; path: (target: User) => string; role: "sup" | "admin" };
const ROUTES: Route[] = [
  { method: "GET", path: () => "/users", role: "sup" },
  { method: "GET", path: (x) => `/users/${x.id}`, role: "sup" },
  { method: "GET", path: (x) => `/users/${x.id}/force-new-password`, role: "sup" },
  { method: "POST", path: (x) => `/users/${x.id}/force-new-password`, role: "sup" },
  { method: "GET", path: () => "/users/new", role: "admin" },
  { method: "POST", path: () => "/users/new", role: "admin" },
  { method: "POST", path: (x) => `/users/${x.id}/edit`, role: "admin" },
  { method: "POST", path: (x) => `/users/${x.id}/deactivate`, role: "admin" },
  { method: "POST", path: (x) => `/users/${x.id}/reactivate`, role: "admin" },
  { method: "GET", path: () => "/settings", role: "admin" },
  { method: "POST", path: () => "/settings", role: "admin" },
  { method: "GET", path: () => "/audit", role: "admin" },
];
const FORM = {
  username: "newbie",
  password: "a perfectly long passphrase",
  displayName: "Changed",
  email: "changed@example.org",
  phone: "",
  role: "supervisor",
  methods: "sms",
};

function call(br: Browser, route: Route, target: User, csrf?: string | null) {
  const path = route.path(target);
  return route.method === "GET" ? br.get(path) : br.post(path, FORM, { csrf });
}

describe.each(ROUTES)("$method $role route", (route) => {
  it("sends an anonymous browser to Login (or refuses its POST) and writes nothing", async () => {
    const before = await snapshot();
    const anon = t.browser();
    await anon.get("/login"); // a pre-sign-in cookie and its CSRF token, as a real browser has
    const res = await call(anon, route, u.bob!);
    if (route.method === "GET") {
      expect(res.statusCode).toBe(303);
      expect(location(res)).toBe("/login");
    } else {
      expect([303, 403]).toContain(res.statusCode);
      if (res.statusCode === 303) expect(location(res)).toBe("/login");
    }
    expect(await snapshot()).toBe(before);
  });

  it("refuses a half-signed-in browser (password only, second factor pending)", async () => {
    const before = await snapshot();
    const half = t.browser();
    await half.get("/login");
    const step = await half.post("/login", {
      username: "admin",
      password: "violet staple orbit lantern",
    });
    expect(location(step)).toBe("/login/verify");
    await half.get("/login/verify"); // its CSRF token, bound to the pending sign-in
    const res = await call(half, route, u.bob!);
    expect(res.statusCode).toBe(303);
    expect(location(res)).toBe("/login");
    expect(await snapshot()).toBe(before);
  });

  it("answers 403 to a signed-in user and writes nothing", async () => {
    const before = await snapshot();
    await b.alice!.get("/");
    const res = await call(b.alice!, route, u.bob!);
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain("Not allowed");
    expect(await snapshot()).toBe(before);
  });

  it(`lets a supervisor in only when the route is a supervisor route`, async () => {
    await b.sup!.get("/");
    const before = await snapshot();
    if (route.role === "admin") {
      const res = await call(b.sup!, route, u.bob!);
      expect(res.statusCode).toBe(403);
      expect(await snapshot()).toBe(before);
    } else if (route.method === "GET") {
      expect((await call(b.sup!, route, u.bob!)).statusCode).toBe(200);
    }
  });

  if (route.method === "POST") {
    it("refuses a signed-in administrator's POST without the CSRF token, writing nothing", async () => {
      const before = await snapshot();
      expect((await call(b.admin!, route, u.bob!, null)).statusCode).toBe(403);
      // A token from another session is no better.
      await b.alice!.get("/");
      const foreign = /name="_csrf" value="([^"]*)"/.exec(b.alice!.html)?.[1] ?? "";
      expect(foreign).not.toBe("");
      expect((await call(b.admin!, route, u.bob!, foreign)).statusCode).toBe(403);
      expect(await snapshot()).toBe(before);
    });
  }

  if (route.method === "GET") {
    it("opens for an administrator", async () => {
      expect((await call(b.admin!, route, u.bob!)).statusCode).toBe(200);
    });
  }
});

describe("who may act on whom", () => {
  const force = async (br: Browser, target: User) => {
    await br.get(`/users/${target.id}`);
    return br.post(`/users/${target.id}/force-new-password`, {});
  };

  it("nobody forces their own password, not even an administrator", async () => {
    for (const name of ["sup", "admin"] as const) {
      const before = await snapshot();
      expect((await b[name]!.get(`/users/${u[name]!.id}/force-new-password`)).statusCode).toBe(403);
      expect((await force(b[name]!, u[name]!)).statusCode).toBe(403);
      const page = await b[name]!.get(`/users/${u[name]!.id}`);
      expect(page.body).not.toContain("Force New Password");
      expect(await snapshot()).toBe(before);
    }
  });

  it("a supervisor cannot open the settings page of a supervisor, an administrator or their own", async () => {
    // Those pages list recent audit events with IP addresses (security review item 6).
    const events = await t.system.stores.audit.list({ userId: u.admin!.id, limit: 5 });
    expect(events.length).toBeGreaterThan(0); // the administrator's sign-in, with its IP
    for (const target of [u.sup2!, u.admin!, u.admin2!, u.sup!]) {
      const before = await snapshot();
      const page = await b.sup!.get(`/users/${target.id}`);
      expect(page.statusCode, target.username).toBe(403);
      expect(page.body).toContain("Not allowed");
      expect(page.body).not.toContain(`${target.username}@example.org`);
      expect(page.body).not.toContain("127.0.0.1");
      expect(await snapshot()).toBe(before);
    }
    // Users they may act on still open; administrators open every page.
    expect((await b.sup!.get(`/users/${u.bob!.id}`)).statusCode).toBe(200);
    for (const target of [u.admin2!, u.sup2!, u.admin!]) {
      expect((await b.admin!.get(`/users/${target.id}`)).statusCode, target.username).toBe(200);
    }
  });

  it("the users list shows a supervisor every account, staff by name and role only", async () => {
    const list = await b.sup!.get("/users");
    expect(list.statusCode).toBe(200);
    for (const name of ["admin", "admin2", "sup", "sup2", "alice", "bob"]) {
      expect(list.body).toContain(`>${name}</`);
    }
    for (const target of [u.admin!, u.admin2!, u.sup!, u.sup2!]) {
      expect(list.body).not.toContain(`href="/users/${target.id}"`);
    }
    for (const target of [u.alice!, u.bob!]) {
      expect(list.body).toContain(`href="/users/${target.id}"`);
    }
    // An administrator's list links every row.
    const adminList = await b.admin!.get("/users");
    for (const target of Object.values(u)) {
      expect(adminList.body).toContain(`href="/users/${target.id}"`);
    }
  });

  it("a supervisor cannot act on supervisors or administrators", async () => {
    for (const target of [u.sup2!, u.admin!]) {
      const before = await snapshot();
      expect((await b.sup!.get(`/users/${target.id}/force-new-password`)).statusCode).toBe(403);
      expect((await force(b.sup!, target)).statusCode).toBe(403);
      expect(await snapshot()).toBe(before);
    }
  });

  it("an administrator acts on supervisors but not on other administrators", async () => {
    const before = await snapshot();
    expect((await force(b.admin!, u.admin2!)).statusCode).toBe(403);
    await b.admin!.get(`/users/${u.admin2!.id}`);
    const edit = await b.admin!.post(`/users/${u.admin2!.id}/edit`, { ...FORM, role: "user" });
    expect(edit.statusCode).toBe(403);
    const off = await b.admin!.post(`/users/${u.admin2!.id}/deactivate`, {});
    expect(off.statusCode).toBe(403);
    expect(await snapshot()).toBe(before);

    const res = await force(b.admin!, u.sup2!);
    expect(res.statusCode).toBe(303);
    expect((await t.system.stores.users.findById(u.sup2!.id))?.mustChangePassword).toBe(true);
  });

  it("a supervisor forces a user's password", async () => {
    const res = await force(b.sup!, u.bob!);
    expect(res.statusCode).toBe(303);
    expect((await t.system.stores.users.findById(u.bob!.id))?.mustChangePassword).toBe(true);
  });

  it("the role is read from the store on every request, not remembered", async () => {
    // Demoted while signed in: the next request is refused.
    await t.system.stores.users.update(u.sup!.id, { role: "user" });
    try {
      expect((await b.sup!.get("/users")).statusCode).toBe(403);
    } finally {
      await t.system.stores.users.update(u.sup!.id, { role: "supervisor" });
    }
    expect((await b.sup!.get("/users")).statusCode).toBe(200);
  });

  it("the web cannot make an administrator", async () => {
    await b.admin!.get("/users/new");
    const res = await b.admin!.post("/users/new", {
      ...FORM,
      username: "sneaky",
      role: "administrator",
    });
    expect(res.statusCode).toBe(400);
    expect(await t.system.stores.users.findByUsername("sneaky")).toBeUndefined();
    await b.admin!.get(`/users/${u.alice!.id}`);
    const edit = await b.admin!.post(`/users/${u.alice!.id}/edit`, {
      ...FORM,
      role: "administrator",
    });
    expect(edit.statusCode).toBe(400);
    expect((await t.system.stores.users.findById(u.alice!.id))?.role).toBe("user");
  });
});

describe("home page links by role", () => {
  it("shows users nothing, supervisors Users, administrators Users, Settings and Audit log", async () => {
    const home = async (name: string) => (await b[name]!.get("/")).body;
    const user = await home("alice");
    expect(user).not.toContain('href="/users"');
    expect(user).not.toContain('href="/settings"');
    const sup = await home("sup");
    expect(sup).toContain('href="/users"');
    expect(sup).not.toContain('href="/settings"');
    expect(sup).not.toContain('href="/audit"');
    const admin = await home("admin");
    for (const link of ['href="/users"', 'href="/settings"', 'href="/audit"']) {
      expect(admin).toContain(link);
    }
  });
});
