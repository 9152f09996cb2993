// A small application that signs people in through Vestibule's OpenID Connect provider
// with openid-client v6: authorization code + PKCE, the ID token's claims, sign-out
// through the provider. Run it beside Vestibule (docs/integrate.md):
//
//   npm start          # Vestibule on http://localhost:3000
//   npm run example    # this app on http://localhost:4000
//
// Without CLIENT_ID it registers itself once (`vestibule client add`) and keeps the
// client in examples/oidc-app/.client.json. Settings: VESTIBULE_URL (default
// http://localhost:3000), EXAMPLE_PORT (4000), CLIENT_ID and CLIENT_SECRET.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import * as client from "openid-client";

const escapeHtml = (text) =>
  String(text).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c],
  );

const page = (body) =>
  `<!doctype html><html lang="en"><meta charset="utf-8"><title>Example application</title><body>${body}</body></html>`;

function cookie(req, name) {
  const pair = (req.headers.cookie ?? "").split(/;\s*/).find((p) => p.startsWith(`${name}=`));
  return pair?.slice(name.length + 1);
}

/**
 * Starts the application; resolves with its address and a close function.
 * `issuer` is Vestibule's, `${PUBLIC_URL}/oidc`.
 */
export async function startExampleApp({ issuer, clientId, clientSecret, port = 4000 }) {
  const base = `http://localhost:${port}`;
  const redirectUri = `${base}/callback`;
  // A trial on one machine speaks plain http; anywhere else the issuer is https.
  const options =
    new URL(issuer).protocol === "http:" ? { execute: [client.allowInsecureRequests] } : {};
  const config = await client.discovery(
    new URL(issuer),
    clientId,
    clientSecret,
    client.ClientSecretBasic(clientSecret), // openid-client's default would be _post
    options,
  );
  const pending = new Map(); // state → { verifier, nonce }
  const sessions = new Map(); // session cookie → { claims, idToken }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", base);
    const redirect = (to, headers = {}) => {
      res.writeHead(303, { location: to, ...headers });
      res.end();
    };
    try {
      if (url.pathname === "/") {
        const session = sessions.get(cookie(req, "example_session"));
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        if (!session) {
          res.end(
            page('<h1>Example application</h1><p><a href="/login">Sign in with Vestibule</a></p>'),
          );
          return;
        }
        const rows = Object.entries(session.claims)
          .map(
            ([k, v]) =>
              `<tr><th>${escapeHtml(k)}</th><td><code>${escapeHtml(JSON.stringify(v))}</code></td></tr>`,
          )
          .join("");
        res.end(
          page(
            `<h1>Signed in as <span id="who">${escapeHtml(session.claims.preferred_username)}</span></h1><table>${rows}</table><p><a href="/logout">Sign out</a></p>`,
          ),
        );
        return;
      }
      if (url.pathname === "/login") {
        const verifier = client.randomPKCECodeVerifier();
        const state = client.randomState();
        const nonce = client.randomNonce();
        pending.set(state, { verifier, nonce });
        const to = client.buildAuthorizationUrl(config, {
          redirect_uri: redirectUri,
          scope: "openid profile email groups",
          code_challenge: await client.calculatePKCECodeChallenge(verifier),
          code_challenge_method: "S256",
          state,
          nonce,
        });
        redirect(to.href);
        return;
      }
      if (url.pathname === "/callback") {
        const state = url.searchParams.get("state") ?? "";
        const started = pending.get(state);
        pending.delete(state);
        if (!started) {
          res.writeHead(400, { "content-type": "text/plain" });
          res.end(`unknown sign-in (${url.searchParams.get("error") ?? "no state"})\n`);
          return;
        }
        const tokens = await client.authorizationCodeGrant(config, url, {
          pkceCodeVerifier: started.verifier,
          expectedState: state,
          expectedNonce: started.nonce,
          idTokenExpected: true,
        });
        const id = randomBytes(24).toString("base64url");
        sessions.set(id, { claims: tokens.claims(), idToken: tokens.id_token });
        redirect("/", { "set-cookie": `example_session=${id}; Path=/; HttpOnly; SameSite=Lax` });
        return;
      }
      if (url.pathname === "/logout") {
        const id = cookie(req, "example_session");
        const session = sessions.get(id);
        sessions.delete(id);
        if (!session) return redirect("/");
        const to = client.buildEndSessionUrl(config, {
          id_token_hint: session.idToken,
          post_logout_redirect_uri: `${base}/`,
        });
        redirect(to.href, { "set-cookie": "example_session=; Path=/; Max-Age=0" });
        return;
      }
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found\n");
    } catch (err) {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end(`sign-in failed: ${err.error ?? err.message}\n`);
    }
  });
  await new Promise((resolve) => server.listen(port, "localhost", resolve));
  const actual = server.address().port;
  return {
    url: `http://localhost:${actual}`,
    redirectUri,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** The client this example uses: CLIENT_ID/CLIENT_SECRET, or one registered once. */
function registeredClient(port) {
  if (process.env.CLIENT_ID) {
    return { client_id: process.env.CLIENT_ID, client_secret: process.env.CLIENT_SECRET };
  }
  const saved = fileURLToPath(new URL("./.client.json", import.meta.url));
  if (existsSync(saved)) return JSON.parse(readFileSync(saved, "utf8"));
  const cli = fileURLToPath(new URL("../../bin/vestibule.js", import.meta.url));
  const base = `http://localhost:${port}`;
  const out = execFileSync(process.execPath, [
    cli,
    "client",
    "add",
    "Example application",
    "--redirect-uri",
    `${base}/callback`,
    "--post-logout-redirect-uri",
    `${base}/`,
  ]);
  writeFileSync(saved, out, { mode: 0o600 });
  return JSON.parse(String(out));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.EXAMPLE_PORT ?? 4000);
  const vestibule = (process.env.VESTIBULE_URL ?? "http://localhost:3000").replace(/\/+$/, "");
  const registered = registeredClient(port);
  const app = await startExampleApp({
    issuer: `${vestibule}/oidc`,
    clientId: registered.client_id,
    clientSecret: registered.client_secret,
    port,
  });
  process.stdout.write(`Example application at ${app.url} (signs in through ${vestibule}/oidc)\n`);
}
