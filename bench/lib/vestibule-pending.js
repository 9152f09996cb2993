import { CookieJar, csrfFrom, request } from "./http.js";
import { PASSWORD } from "./phases.js";

/** Vestibule's pending sign-ins, written with the store's own flows.create (seed.js). */
export async function prepareVestibuleChallenges(seeder, count) {
  const users = await seeder.seedUsers("tv", Math.ceil(count / 2), PASSWORD);
  let left = count;
  for (const user of users) {
    user.flows = [];
    const n = Math.min(2, left);
    if (n > 0) await seeder.pendingSignIns(user, n);
    left -= n;
  }
  return users;
}

/**
 * The prepared CSRF tokens are computed as web/http.ts does; a few are checked
 * against the rendered form, and the run stops if the scheme has changed.
 */
export async function checkVestibuleCsrf(t, sample) {
  for (const c of sample.flatMap((u) => u.flows.slice(0, 1))) {
    const jar = new CookieJar();
    jar.set(t.signinCookie, c.token);
    const r = await request(t.pool, "GET", "/login/verify", { jar, keepBody: true });
    if (r.status !== 200) throw new Error(`prepared sign-in not at the verify step: ${r.status}`);
    if (csrfFrom(r.body) !== c.csrf) {
      throw new Error("CSRF scheme differs from web/http.ts: update bench/lib/seed.js");
    }
  }
}
