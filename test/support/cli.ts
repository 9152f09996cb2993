// Runs the `vestibule` command in process, as the CLI tests drive it: argv in, what it
// wrote to stdout and stderr and its exit code out; stdin, when given, is a pipe.
import { Readable } from "node:stream";
import { vi } from "vitest";
import { run } from "../../src/cli/main.js";

export interface CliResult {
  out: string;
  err: string;
  code: number;
}

export async function runCli(argv: string[], stdin?: string): Promise<CliResult> {
  const realStdin = Object.getOwnPropertyDescriptor(process, "stdin");
  if (stdin !== undefined) {
    Object.defineProperty(process, "stdin", {
      configurable: true,
      value: Object.assign(Readable.from([Buffer.from(stdin)]), { isTTY: false }),
    });
  }
  let out = "";
  let err = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((s) => {
    out += String(s);
    return true;
  });
  const e = vi.spyOn(process.stderr, "write").mockImplementation((s) => {
    err += String(s);
    return true;
  });
  process.exitCode = 0;
  try {
    await run(argv);
  } finally {
    o.mockRestore();
    e.mockRestore();
    if (stdin !== undefined && realStdin) Object.defineProperty(process, "stdin", realStdin);
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out, err, code };
}
