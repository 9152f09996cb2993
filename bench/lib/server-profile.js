import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { WebSocket } from "undici";

/**
 * BENCH_CPU_PROF=1: a CPU profile of the server's main thread over exactly one phase's
 * measured window (after the warm-up, with the CPU account), taken through the
 * inspector protocol — the server runs with --inspect on 127.0.0.1 — so startup and
 * warm-up stay out of it. Written to `dir/<label>.cpuprofile`; resolves the path.
 */
export async function startServerProfile(server, dir, label) {
  const list = await fetchJson(`http://127.0.0.1:${server.inspectPort}/json/list`);
  const ws = new WebSocket(list[0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("error", reject, { once: true });
  });
  let nextId = 1;
  const pending = new Map();
  ws.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(message.error.message));
    else waiter.resolve(message.result);
  });
  const call = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ id, method, params }));
    });
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: 1000 });
  await call("Profiler.start");
  return async () => {
    const { profile } = await call("Profiler.stop");
    ws.close();
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${label}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    return file;
  };
}

async function fetchJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`inspector answered ${response.status} at ${url}`);
  return response.json();
}
