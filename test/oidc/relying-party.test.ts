// A real relying party (openid-client v6) against the provider mounted in Vestibule's
// app: code + PKCE, the ID token's claims, refresh with rotation, userinfo,
// introspection, revocation, RP-initiated logout, and the second-factor requirement.
// The browser signs in through Vestibule's real pages (password, authenticator code).
import * as client from "openid-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { interactionByUid } from "../../src/oidc/interaction.js";
import { ACR_MFA, ACR_PASSWORD } from "../../src/oidc/login.js";
import {
  LOGIN_PATH,
  type OidcServer,
  PUBLIC_URL,
  startOidcServer,
  type TestUser,
} from "./support/oidc-server.js";
import { authorize, exchange, REDIRECT_URI, relyingParty } from "./support/relying-party.js";

let server: OidcServer;
beforeAll(async () => {
  server = await startOidcServer();
});
afterAll(async () => {
  await server?.close();
});
afterEach(() => {
  expect(server.serverErrors).toEqual([]);
});

let users = 0;
const newUser = (role: "user" | "supervisor" = "user") => server.addUser(`person${++users}`, role);

/** When the user last signed in, as Vestibule's session row says (auth_time's source). */
async function authTimeOf(user: TestUser): Promise<number> {
  const [latest] = await server.system.stores.sessions.listForUser(user.id, server.clock.now());
  if (!latest) throw new Error(`${user.username} has no session`);
  return Math.floor(latest.authTime / 1000);
}

/** Second factors off for one test: sign-ins prove the password only. */
async function passwordOnly<T>(work: () => Promise<T>): Promise<T> {
  await server.methods([]);
  try {
    return await work();
  } finally {
    await server.methods(["app"]);
  }
}

describe("code + PKCE with a confidential client", () => {
  it("the ID token carries who signed in and how: sub, names, email, groups, amr, acr, auth_time", async () => {
    const user = await newUser("supervisor");
    const rp = await relyingParty(server, await server.addClient({}));
    const tokens = await exchange(rp, await authorize(rp, server.browser(), { user }));
    expect(tokens.claims()).toMatchObject({
      iss: `${PUBLIC_URL}/oidc`,
      aud: rp.clientId,
      sub: user.id,
      preferred_username: user.username,
      name: user.username,
      email: user.email,
      groups: ["supervisor"],
      amr: ["pwd", "otp", "mfa"],
      acr: ACR_MFA,
      auth_time: await authTimeOf(user),
    });
    const info = await client.fetchUserInfo(rp.config, tokens.access_token, user.id);
    expect(info).toMatchObject({ sub: user.id, email: user.email, groups: ["supervisor"] });
    const introspected = await client.tokenIntrospection(rp.config, tokens.access_token);
    expect(introspected).toMatchObject({ active: true, sub: user.id, client_id: rp.clientId });
  });

  it("a password-only sign-in is labelled as one (amr pwd, the password acr)", async () => {
    const user = await newUser();
    const rp = await relyingParty(server, await server.addClient({}));
    const tokens = await passwordOnly(async () =>
      exchange(rp, await authorize(rp, server.browser(), { user })),
    );
    expect(tokens.claims()).toMatchObject({ amr: ["pwd"], acr: ACR_PASSWORD });
  });

  it("refresh rotates the refresh token; presenting the old one again revokes the grant", async () => {
    const user = await newUser();
    const rp = await relyingParty(server, await server.addClient({}));
    const first = await exchange(rp, await authorize(rp, server.browser(), { user }));
    const signedInAt = await authTimeOf(user);
    server.clock.advance(60_000);
    const second = await client.refreshTokenGrant(rp.config, first.refresh_token!);
    expect(second.refresh_token).toBeTruthy();
    expect(second.refresh_token).not.toBe(first.refresh_token);
    // The refreshed ID token still describes the original sign-in.
    expect(second.claims()).toMatchObject({
      sub: user.id,
      auth_time: signedInAt,
      acr: ACR_MFA,
    });
    await expect(client.refreshTokenGrant(rp.config, first.refresh_token!)).rejects.toMatchObject({
      error: "invalid_grant",
    });
    await expect(client.refreshTokenGrant(rp.config, second.refresh_token!)).rejects.toMatchObject({
      error: "invalid_grant",
    });
    expect(await client.tokenIntrospection(rp.config, second.access_token)).toMatchObject({
      active: false,
    });
  });

  it("revoking the refresh token ends the grant: refresh and introspection say so", async () => {
    const user = await newUser();
    const rp = await relyingParty(server, await server.addClient({}));
    const tokens = await exchange(rp, await authorize(rp, server.browser(), { user }));
    await client.tokenRevocation(rp.config, tokens.refresh_token!);
    await expect(client.refreshTokenGrant(rp.config, tokens.refresh_token!)).rejects.toMatchObject({
      error: "invalid_grant",
    });
    expect(await client.tokenIntrospection(rp.config, tokens.access_token)).toMatchObject({
      active: false,
    });
  });

  it("a code is bound to its verifier: a wrong code_verifier is invalid_grant", async () => {
    const user = await newUser();
    const rp = await relyingParty(server, await server.addClient({}));
    const auth = await authorize(rp, server.browser(), { user });
    await expect(
      exchange(rp, { ...auth, verifier: client.randomPKCECodeVerifier() }),
    ).rejects.toMatchObject({ error: "invalid_grant" });
  });
});

describe("requests the provider refuses", () => {
  it("an authorization request without PKCE, and implicit or hybrid response types", async () => {
    const rp = await relyingParty(server, await server.addClient({}));
    const browser = server.browser();
    const base = { redirect_uri: REDIRECT_URI, scope: "openid", state: "s1" };
    const noPkce = client.buildAuthorizationUrl(rp.config, base);
    const answer = await browser.request(noPkce.href);
    const location = new URL(answer.headers.get("location") ?? "", PUBLIC_URL);
    expect(location.href.startsWith(REDIRECT_URI)).toBe(true);
    expect(location.searchParams.get("error")).toBe("invalid_request");
    expect(location.searchParams.get("error_description")).toMatch(/PKCE/);
    for (const responseType of ["id_token", "token", "code id_token"]) {
      const url = client.buildAuthorizationUrl(rp.config, {
        ...base,
        response_type: responseType,
        nonce: "n",
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: "S256",
      });
      const res = await browser.request(url.href);
      const to = new URL(res.headers.get("location") ?? "", PUBLIC_URL);
      expect(`${responseType} → ${to.searchParams.get("error") ?? to.hash}`).toMatch(
        /unsupported_response_type|unauthorized_client/,
      );
    }
  });

  it("a public client has no secret and must use PKCE; its code works once", async () => {
    const user = await newUser();
    const registered = await server.addClient({ public: true });
    expect(registered.clientSecret).toBeUndefined();
    const rp = await relyingParty(server, registered);
    const auth = await authorize(rp, server.browser(), { user });
    const tokens = await exchange(rp, auth);
    expect(tokens.claims()?.sub).toBe(user.id);
    await expect(exchange(rp, auth)).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("introspection: a confidential client (a resource server) sees any token, a public one only its own", async () => {
    const user = await newUser();
    const confidential = await relyingParty(server, await server.addClient({}));
    const spa = await relyingParty(server, await server.addClient({ public: true }));
    const fromConfidential = await exchange(
      confidential,
      await authorize(confidential, server.browser(), { user }),
    );
    const fromSpa = await exchange(spa, await authorize(spa, server.browser(), { user }));
    expect(await client.tokenIntrospection(spa.config, fromConfidential.access_token)).toEqual({
      active: false,
    });
    expect(await client.tokenIntrospection(spa.config, fromSpa.access_token)).toMatchObject({
      active: true,
    });
    expect(
      await client.tokenIntrospection(confidential.config, fromSpa.access_token),
    ).toMatchObject({
      active: true,
      client_id: spa.clientId,
    });
  });

  it("the sign-in pages ending with an error send it to the application", async () => {
    const rp = await relyingParty(server, await server.addClient({}));
    const auth = await authorize(rp, server.browser(), { error: "The person cancelled." });
    expect(auth.callback.searchParams.get("error")).toBe("access_denied");
    expect(auth.callback.searchParams.get("code")).toBeNull();
  });

  it("an interaction is bound to the browser that started it: another browser cannot finish it", async () => {
    const rp = await relyingParty(server, await server.addClient({}));
    const url = client.buildAuthorizationUrl(rp.config, {
      redirect_uri: REDIRECT_URI,
      scope: "openid",
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: "S256",
    });
    const started = await server.browser().request(url.href);
    const loginAt = started.headers.get("location") ?? "";
    expect(loginAt.startsWith(LOGIN_PATH)).toBe(true);
    const other = server.browser();
    const taken = await other.request(loginAt);
    expect(taken.status).toBe(400);
    expect(await taken.text()).toContain("This sign-in has expired");
    // No flow was started for the other browser: its password does not finish anything.
    expect(other.cookies.size).toBe(0);
  });
});

describe("a second factor where the application or the request asks for one", () => {
  it("a --require-mfa client gets unmet_authentication_requirements for a password-only sign-in (second factors off)", async () => {
    const user = await newUser();
    const rp = await relyingParty(server, await server.addClient({ requireMfa: true }));
    const auth = await passwordOnly(() => authorize(rp, server.browser(), { user }));
    expect(auth.callback.searchParams.get("error")).toBe("unmet_authentication_requirements");
    expect(auth.callback.searchParams.get("code")).toBeNull();
  });

  it("acr_values asking for the MFA acr is the same requirement; asking for either is not", async () => {
    const user = await newUser();
    const rp = await relyingParty(server, await server.addClient({}));
    const { refused, either } = await passwordOnly(async () => ({
      refused: await authorize(rp, server.browser(), { user }, { acr_values: ACR_MFA }),
      either: await authorize(
        rp,
        server.browser(),
        { user },
        { acr_values: `${ACR_MFA} ${ACR_PASSWORD}` },
      ),
    }));
    expect(refused.callback.searchParams.get("error")).toBe("unmet_authentication_requirements");
    expect((await exchange(rp, either)).claims()?.acr).toBe(ACR_PASSWORD);
  });

  it("an earlier password-only sign-in is not reused for a --require-mfa client: the pages are asked again", async () => {
    const user = await newUser();
    const browser = server.browser();
    const plain = await relyingParty(server, await server.addClient({}));
    await passwordOnly(async () => exchange(plain, await authorize(plain, browser, { user })));
    const strict = await relyingParty(
      server,
      await server.addClient({ name: "Payroll", requireMfa: true }),
    );
    // prompt=none cannot ask: login_required, not a code.
    const silent = await authorize(strict, browser, undefined, { prompt: "none" });
    expect(silent.callback.searchParams.get("error")).toBe("login_required");
    const seen: unknown[] = [];
    const tokens = await exchange(
      strict,
      await authorize(strict, browser, { user }, {}, async (uid) => {
        seen.push(await interactionByUid(server.oidc, uid));
      }),
    );
    expect(tokens.claims()).toMatchObject({ sub: user.id, acr: ACR_MFA });
    expect(seen[0]).toMatchObject({
      prompt: { name: "login", reasons: expect.arrayContaining(["mfa_required"]) },
      client: { name: "Payroll" },
      sessionAccountId: user.id,
      mfaRequired: true,
      redirectOrigin: new URL(REDIRECT_URI).origin,
    });
  });

  it("a sign-in with a second factor serves the next application without asking again", async () => {
    const user = await newUser();
    const browser = server.browser();
    const first = await relyingParty(server, await server.addClient({}));
    await exchange(first, await authorize(first, browser, { user }));
    const strict = await relyingParty(server, await server.addClient({ requireMfa: true }));
    const tokens = await exchange(strict, await authorize(strict, browser, undefined));
    expect(tokens.claims()).toMatchObject({ sub: user.id, amr: ["pwd", "otp", "mfa"] });
  });

  it("prompt=login asks the pages for a fresh sign-in even with a provider session", async () => {
    const user = await newUser();
    const browser = server.browser();
    const rp = await relyingParty(server, await server.addClient({}));
    await exchange(rp, await authorize(rp, browser, { user }));
    const seen: unknown[] = [];
    await authorize(rp, browser, { user }, { prompt: "login" }, async (uid) => {
      seen.push(await interactionByUid(server.oidc, uid));
    });
    expect(seen[0]).toMatchObject({ freshLoginRequired: true, mfaRequired: false });
  });
});

describe("signing out", () => {
  it("RP-initiated logout: a confirmation page, a plain form post, back at the application", async () => {
    const user = await newUser();
    const browser = server.browser();
    const rp = await relyingParty(server, await server.addClient({}));
    const tokens = await exchange(rp, await authorize(rp, browser, { user }));
    const endUrl = client.buildEndSessionUrl(rp.config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: "https://app.example.test/signed-out",
      state: "bye",
    });
    const page = await browser.request(endUrl.href);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toMatch(/<script|<style|\sstyle=/i);
    expect(html).toContain('<link rel="stylesheet" href="/assets/app.css">');
    const action = /<form id="op.logoutForm" method="post" action="([^"]+)"/.exec(html)?.[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    expect(action).toBe(`${PUBLIC_URL}/oidc/session/end/confirm`);
    expect(html).toMatch(
      /<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out<\/button>/,
    );
    const confirmed = await browser.request(action!, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ xsrf: xsrf!, logout: "yes" }),
    });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get("location")).toBe("https://app.example.test/signed-out?state=bye");
    // Vestibule's own sign-in in this browser ended too: no application gets in on it.
    expect((await browser.request("/")).headers.get("location")).toBe("/login");
    // The provider session is gone: a silent request cannot get a code.
    const silent = await authorize(rp, browser, undefined, { prompt: "none" });
    expect(silent.callback.searchParams.get("error")).toBe("login_required");
    await expect(client.refreshTokenGrant(rp.config, tokens.refresh_token!)).rejects.toMatchObject({
      error: "invalid_grant",
    });
  });

  it("endAccount (Vestibule's Sign out, Force New Password, deactivation) ends sessions and tokens", async () => {
    const user = await newUser();
    const bystander = await newUser();
    const browser = server.browser();
    const otherBrowser = server.browser();
    const rp = await relyingParty(server, await server.addClient({}));
    const tokens = await exchange(rp, await authorize(rp, browser, { user }));
    const theirs = await exchange(rp, await authorize(rp, otherBrowser, { user: bystander }));
    expect(await server.oidc.storage.endAccount(user.id)).toBeGreaterThan(0);
    const silent = await authorize(rp, browser, undefined, { prompt: "none" });
    expect(silent.callback.searchParams.get("error")).toBe("login_required");
    await expect(client.refreshTokenGrant(rp.config, tokens.refresh_token!)).rejects.toMatchObject({
      error: "invalid_grant",
    });
    await expect(
      client.fetchUserInfo(rp.config, tokens.access_token, user.id),
    ).rejects.toMatchObject({
      status: 401,
    });
    // Someone else's sign-in is untouched.
    expect(
      (await client.refreshTokenGrant(rp.config, theirs.refresh_token!)).access_token,
    ).toBeTruthy();
    expect(
      (await authorize(rp, otherBrowser, undefined, { prompt: "none" })).callback.searchParams.get(
        "code",
      ),
    ).toBeTruthy();
  });

  it("a deactivated user's tokens stop working (findAccount answers nobody)", async () => {
    const user = await newUser();
    const rp = await relyingParty(server, await server.addClient({}));
    const tokens = await exchange(rp, await authorize(rp, server.browser(), { user }));
    await server.system.stores.users.update(user.id, { active: false });
    await expect(client.refreshTokenGrant(rp.config, tokens.refresh_token!)).rejects.toMatchObject({
      error: "invalid_grant",
    });
    await expect(
      client.fetchUserInfo(rp.config, tokens.access_token, user.id),
    ).rejects.toMatchObject({
      status: 401,
    });
  });
});
