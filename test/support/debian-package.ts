// The browser tier's real programs from Debian (Chromium, nginx, Caddy) are treated like
// PostgreSQL and Redis: when one is missing, a root test run installs its package;
// otherwise the tests that need it are skipped with one line saying how to install it —
// except in CI, where its absence fails.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

export interface DebianProgram {
  /** How the skip line and errors name it: "Chromium", "nginx". */
  name: string;
  /** The environment variable that points elsewhere, e.g. "NGINX_PATH". */
  variable: string;
  /** Where Debian's package puts it. */
  defaultPath: string;
  packages: string[];
  /** What is skipped without it, for the one line: "browser tests". */
  skipped: string;
}

/** The program's path, or "" when there is none (its tests are skipped). */
export function findOrInstall(program: DebianProgram): string {
  const { name, variable, defaultPath, packages, skipped } = program;
  const path = process.env[variable] ?? defaultPath;
  if (existsSync(path)) return path;
  if (process.getuid?.() === 0 && path === defaultPath) {
    process.stderr.write(`${name} is missing: installing Debian's ${packages.join(" ")}…\n`);
    try {
      const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
      execFileSync("apt-get", ["update"], { stdio: "inherit", env });
      execFileSync("apt-get", ["install", "-y", ...packages], { stdio: "inherit", env });
    } catch (err) {
      process.stderr.write(`installing ${name} failed: ${(err as Error).message}\n`);
    }
    if (existsSync(path)) return path;
  }
  const how = `install it with "sudo apt-get install -y ${packages.join(" ")}" or set ${variable}`;
  if (process.env.CI)
    throw new Error(`${name} is required in CI and was not found at ${path}: ${how}`);
  process.stderr.write(`[SKIPPED] ${skipped}: no ${name} at ${path}; ${how}.\n`);
  return "";
}
