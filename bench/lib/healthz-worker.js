import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { parentPort, workerData } from "node:worker_threads";
import { createAgent, request } from "./http.js";

// Probes /healthz from its own thread and connection, so the load generator's busy
// event loop does not inflate the latencies it reports.
const { base, intervalMs } = workerData;
const agent = createAgent(1);
const samples = [];
let failures = 0;
let running = true;
parentPort.on("message", () => {
  running = false;
});
while (running) {
  const t0 = performance.now();
  try {
    const r = await request(base, agent, "GET", "/healthz");
    if (r.status === 200) samples.push(performance.now() - t0);
    else failures++;
  } catch {
    failures++;
  }
  await sleep(intervalMs);
}
agent.destroy();
parentPort.postMessage({ samples, failures });
