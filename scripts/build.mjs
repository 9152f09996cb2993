#!/usr/bin/env node
// The build (`npm run build`): TypeScript into dist/, the stylesheet beside it, and a
// stamp when both worked. With --if-stale (`npm start`'s prestart) it builds only when a
// file under src/ (or a tsconfig) is newer than that stamp, so a start after `npm ci`
// does not spend 20 s compiling what is already compiled. Plain JavaScript: it runs
// before anything is built. Paths are relative to the working directory (npm runs
// scripts in the package's root).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const STAMP = join("dist", ".build-stamp");
const INPUTS = ["src", "tsconfig.json", "tsconfig.build.json"];

/**
 * The newest modification time among the inputs. Directories count too: deleting or
 * renaming a source file changes its directory's time. Tests are not compiled (the
 * build's tsconfig excludes them), so editing one does not make dist/ stale.
 */
function newestInput(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return path.endsWith(".test.ts") ? 0 : stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestInput(join(path, entry)));
  return newest;
}

function isCurrent() {
  if (!existsSync(STAMP)) return false;
  const built = statSync(STAMP).mtimeMs;
  return INPUTS.every((input) => newestInput(input) <= built);
}

if (process.argv.includes("--if-stale") && isCurrent()) {
  process.stdout.write("dist/ is current (nothing under src/ is newer): not rebuilding\n");
  process.exit(0);
}

// TypeScript from this package, wherever the working directory is.
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const compiled = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], {
  stdio: "inherit",
});
if (compiled.status !== 0) process.exit(compiled.status ?? 1);
if (existsSync("src/web/assets")) {
  cpSync("src/web/assets", "dist/web/assets", { recursive: true });
}
writeFileSync(STAMP, `${new Date().toISOString()}\n`);
