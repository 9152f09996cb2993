import { fork } from "node:child_process";
import { once } from "node:events";
import http from "node:http";

/**
 * The load generator measured alone: one real sign-in's four responses are recorded
 * from the real server (status, every header, body), then a stub server in a process
 * of its own replays them for every sign-in. The generator does exactly what it does
 * against the real server — same pages, cookies, redirects, same parsing — while the
 * server's side costs almost nothing, so its CPU per sign-in is its own.
 */
export async function recordSignIn(base, user, book, password) {
  const cookies = new Map();
  const send = (method, path, form) =>
    new Promise((resolve, reject) => {
      const headers = {};
      if (cookies.size) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
      if (form) headers["content-type"] = "application/x-www-form-urlencoded";
      const req = http.request({ ...base, method, path, headers }, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          for (const line of res.headers["set-cookie"] ?? []) {
            const [pair] = line.split(";", 1);
            const eq = pair.indexOf("=");
            const value = pair.slice(eq + 1);
            if (value === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) {
              cookies.delete(pair.slice(0, eq));
            } else cookies.set(pair.slice(0, eq), value);
          }
          const body = Buffer.concat(chunks).toString("latin1");
          resolve({ method, path, status: res.statusCode, rawHeaders: res.rawHeaders, body });
        });
      });
      req.on("error", reject);
      req.end(form);
    });
  const csrf = (page) => /name="_csrf" value="([^"]*)"/.exec(page)?.[1] ?? "";
  const a = await send("GET", "/login");
  const b = await send(
    "POST",
    "/login",
    `_csrf=${csrf(a.body)}&username=${encodeURIComponent(user.username)}&password=${encodeURIComponent(password)}`,
  );
  const c = await send("GET", "/login/verify");
  const d = await send("POST", "/login/verify", `_csrf=${csrf(c.body)}&code=${book.code(user)}`);
  if (d.status !== 303) throw new Error(`recording a sign-in for the stub failed: ${d.status}`);
  return [a, b, c, d];
}

/** Starts the replaying stub (stub-server.js) in its own process; resolves { pid, base, stop }. */
export async function startStub(exchanges) {
  const child = fork(new URL("./stub-server.js", import.meta.url), [], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  child.send(exchanges);
  const [port] = await once(child, "message");
  return {
    pid: child.pid,
    base: { host: "127.0.0.1", port },
    memory: () => ({}),
    async stop() {
      child.kill();
      await once(child, "exit");
    },
  };
}
