// The browser tier's nginx (test/browser/nginx-forward-auth.test.ts), treated like
// Chromium (debian-package.ts): Debian's nginx-light, found or installed; without it
// those tests are skipped, except in CI.
import type { TestProject } from "vitest/node";
import { findOrInstall } from "./debian-package.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The nginx to start, or "" when there is none (its tests are skipped). */
    nginx: string;
  }
}

export default function setup(project: TestProject): void {
  project.provide(
    "nginx",
    findOrInstall({
      name: "nginx",
      variable: "NGINX_PATH",
      defaultPath: "/usr/sbin/nginx",
      packages: ["nginx-light"],
      skipped: "nginx forward-auth tests",
    }),
  );
}
