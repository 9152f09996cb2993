// The browser tier's nginx (test/browser/nginx-forward-auth.test.ts), treated like
// Chromium (chromium.ts): when it is missing, a root test run installs Debian's
// nginx-light; otherwise its tests are skipped with one line saying how to install it —
// except in CI, where its absence fails.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** The nginx to start, or "" when there is none (its tests are skipped). */
    nginx: string;
  }
}

export const NGINX_PATH = process.env.NGINX_PATH ?? "/usr/sbin/nginx";
const PACKAGES = ["nginx-light"];

export default function setup(project: TestProject): void {
  project.provide("nginx", findOrInstall());
}

function findOrInstall(): string {
  if (existsSync(NGINX_PATH)) return NGINX_PATH;
  if (process.getuid?.() === 0 && NGINX_PATH === "/usr/sbin/nginx") {
    process.stderr.write(`nginx is missing: installing Debian's ${PACKAGES.join(" ")}…\n`);
    try {
      const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
      execFileSync("apt-get", ["update"], { stdio: "inherit", env });
      execFileSync("apt-get", ["install", "-y", ...PACKAGES], { stdio: "inherit", env });
    } catch (err) {
      process.stderr.write(`installing nginx failed: ${(err as Error).message}\n`);
    }
    if (existsSync(NGINX_PATH)) return NGINX_PATH;
  }
  const how = `install it with "sudo apt-get install -y ${PACKAGES.join(" ")}" or set NGINX_PATH`;
  if (process.env.CI)
    throw new Error(`nginx is required in CI and was not found at ${NGINX_PATH}: ${how}`);
  process.stderr.write(`[SKIPPED] nginx forward-auth tests: no nginx at ${NGINX_PATH}; ${how}.\n`);
  return "";
}
