import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { createPool, request } from "./http.js";

// Probes /healthz from a process of its own, on its own connection: the load
// generator's busy event loop does not inflate the latencies it reports, and its CPU
// is not counted as the generator's. Started by phases.js (fork), stopped by a message.
const [host, port, intervalMs] = process.argv.slice(2);
const pool = createPool({ host, port: Number(port) }, 1);
const samples = [];
let failures = 0;
let running = true;
process.on("message", () => {
  running = false;
});
// The bench died: nobody will ask for the figures.
process.on("disconnect", () => process.exit(0));
process.send?.("ready");
while (running) {
  const t0 = performance.now();
  try {
    const r = await request(pool, "GET", "/healthz");
    if (r.status === 200) samples.push(performance.now() - t0);
    else failures++;
  } catch {
    failures++;
  }
  await sleep(Number(intervalMs));
}
await pool.close();
process.send?.({ samples, failures }, () => process.disconnect());
