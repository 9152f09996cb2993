// scripts/build.mjs --if-stale (npm start's prestart): compiles only when something under
// src/ or a tsconfig is newer than the last build's stamp. Run on a tiny project of its
// own, with real tsc; file times are set, not waited for.
import { execFileSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const SCRIPT = resolve(import.meta.dirname, "../../scripts/build.mjs");
let project: string;

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), "vestibule-build-"));
  mkdirSync(join(project, "src/web/assets"), { recursive: true });
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { target: "ES2022", module: "NodeNext", strict: true, types: [] },
    }),
  );
  writeFileSync(
    join(project, "tsconfig.build.json"),
    JSON.stringify({
      extends: "./tsconfig.json",
      compilerOptions: { rootDir: "src", outDir: "dist" },
      include: ["src"],
      exclude: ["src/**/*.test.ts"],
    }),
  );
  writeFileSync(join(project, "src/main.ts"), "export const answer: number = 42;\n");
  writeFileSync(join(project, "src/extra.ts"), "export const extra = 1;\n");
  writeFileSync(join(project, "src/main.test.ts"), "export {};\n");
  writeFileSync(join(project, "src/web/assets/app.css"), "body{}\n");
});
afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

function prestart(): string {
  return execFileSync(process.execPath, [SCRIPT, "--if-stale"], { cwd: project }).toString();
}

const stamp = () => join(project, "dist/.build-stamp");
const INPUTS = [
  "src",
  "src/main.ts",
  "src/extra.ts",
  "src/main.test.ts",
  "src/web",
  "src/web/assets",
];

/** Every input two minutes old, the build one minute old: whatever is touched now is newer. */
function settle(): void {
  const at = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000);
  for (const path of [
    ...INPUTS,
    "src/web/assets/app.css",
    "tsconfig.json",
    "tsconfig.build.json",
  ]) {
    utimesSync(join(project, path), at(120), at(120));
  }
  utimesSync(stamp(), at(60), at(60));
}

function touch(path: string): void {
  const now = new Date();
  utimesSync(join(project, path), now, now);
}

describe("npm start's prestart", () => {
  it("builds when there is no build yet: the code, the stylesheet and a stamp", () => {
    expect(prestart()).not.toContain("current");
    expect(readFileSync(join(project, "dist/main.js"), "utf8")).toContain("answer = 42");
    expect(readFileSync(join(project, "dist/web/assets/app.css"), "utf8")).toBe("body{}\n");
    expect(statSync(stamp()).isFile()).toBe(true);
  });

  it("does not rebuild when dist/ is current, nor for a changed test file", () => {
    settle();
    const before = statSync(join(project, "dist/main.js")).mtimeMs;
    touch("src/main.test.ts");
    expect(prestart()).toContain("dist/ is current");
    expect(statSync(join(project, "dist/main.js")).mtimeMs).toBe(before);
  });

  it("rebuilds when a source file is newer than the build", () => {
    settle();
    writeFileSync(join(project, "src/main.ts"), "export const answer: number = 43;\n");
    expect(prestart()).not.toContain("current");
    expect(readFileSync(join(project, "dist/main.js"), "utf8")).toContain("answer = 43");
    expect(prestart()).toContain("dist/ is current");
  });

  it("rebuilds when a tsconfig is newer, or a source file was deleted", () => {
    settle();
    touch("tsconfig.build.json");
    expect(prestart()).not.toContain("current");
    // A deletion shows as its directory's time.
    settle();
    expect(prestart()).toContain("dist/ is current");
    unlinkSync(join(project, "src/extra.ts"));
    expect(prestart()).not.toContain("current");
  });
});
