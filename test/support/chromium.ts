// The browser tier's global setup: Debian's Chromium, found or installed
// (debian-package.ts); without it the browser tests are skipped, except in CI.
import type { TestProject } from "vitest/node";
import { findOrInstall } from "./debian-package.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The Chromium to drive, or "" when there is none (tests are skipped). */
    chromium: string;
  }
}

export default function setup(project: TestProject): void {
  project.provide(
    "chromium",
    findOrInstall({
      name: "Chromium",
      variable: "CHROMIUM_PATH",
      defaultPath: "/usr/bin/chromium",
      packages: ["chromium", "fonts-liberation", "fonts-dejavu-core"],
      skipped: "browser tests",
    }),
  );
}
