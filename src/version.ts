import { readFileSync } from "node:fs";

/** package.json's version (src/ and dist/ both sit one level below it). */
export const VERSION = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;
