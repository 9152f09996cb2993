// The browser tier's global setup: Chromium is treated like PostgreSQL and Redis. When it
// is missing, a root test run installs Debian's package; otherwise the browser tests are
// skipped with one line saying how to install it — except in CI, where its absence fails.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** The Chromium to drive, or "" when there is none (tests are skipped). */
    chromium: string;
  }
}

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const PACKAGES = ["chromium", "fonts-liberation", "fonts-dejavu-core"];

export default function setup(project: TestProject): void {
  project.provide("chromium", findOrInstall());
}

function findOrInstall(): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (process.getuid?.() === 0 && CHROMIUM_PATH === "/usr/bin/chromium") {
    process.stderr.write(`Chromium is missing: installing Debian's ${PACKAGES.join(" ")}…\n`);
    try {
      const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
      execFileSync("apt-get", ["update"], { stdio: "inherit", env });
      execFileSync("apt-get", ["install", "-y", ...PACKAGES], { stdio: "inherit", env });
    } catch (err) {
      process.stderr.write(`installing Chromium failed: ${(err as Error).message}\n`);
    }
    if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  }
  const how = `install it with "sudo apt-get install -y ${PACKAGES.join(" ")}" or set CHROMIUM_PATH`;
  if (process.env.CI)
    throw new Error(`Chromium is required in CI and was not found at ${CHROMIUM_PATH}: ${how}`);
  process.stderr.write(`[SKIPPED] browser tests: no Chromium at ${CHROMIUM_PATH}; ${how}.\n`);
  return "";
}
