// The browser tier's Caddy (test/browser/caddy-forward-auth.test.ts), treated like
// Chromium and nginx (debian-package.ts): Debian's caddy, found or installed; without it
// those tests are skipped, except in CI. The tests run the binary themselves on loopback
// (`caddy run`); the package's systemd service is never needed.
import type { TestProject } from "vitest/node";
import { findOrInstall } from "./debian-package.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The caddy to start, or "" when there is none (its tests are skipped). */
    caddy: string;
  }
}

export default function setup(project: TestProject): void {
  project.provide(
    "caddy",
    findOrInstall({
      name: "Caddy",
      variable: "CADDY_PATH",
      defaultPath: "/usr/bin/caddy",
      packages: ["caddy"],
      skipped: "Caddy forward-auth tests",
    }),
  );
}
