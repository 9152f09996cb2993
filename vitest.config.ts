import { defineConfig } from "vitest/config";

// Tiers by cost (`npm run test:<tier>`); `npm test` runs them all.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    projects: [
      {
        extends: true,
        // The core and the adapters, beside the code, and the standards' vectors.
        test: { name: "unit", include: ["src/**/*.test.ts", "test/test-vectors.test.ts"] },
      },
      {
        extends: true,
        // The pages and the CLI over in-process HTTP (app.inject) on SQLite.
        test: { name: "http", include: ["test/http/**/*.test.ts", "test/cli/**/*.test.ts"] },
      },
      {
        extends: true,
        // PostgreSQL, Redis, several instances (test/support/services.ts) and the OpenID
        // Connect provider with a real relying party.
        test: {
          name: "services",
          include: [
            "test/contract/**/*.test.ts",
            "test/multi/**/*.test.ts",
            "test/oidc/**/*.test.ts",
          ],
        },
      },
      {
        extends: true,
        // Debian's Chromium driving the real server (test/support/chromium.ts), and
        // Debian's nginx and Caddy in front of it (test/support/nginx.ts, caddy.ts).
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          globalSetup: [
            "test/support/chromium.ts",
            "test/support/nginx.ts",
            "test/support/caddy.ts",
          ],
        },
      },
    ],
  },
});
