import { createInterface } from "node:readline";

/** Ctrl-C at a password prompt: the command ends with exit code 130, as a shell's would. */
export class Interrupted extends Error {
  override readonly name = "Interrupted";
}

/** Nothing usable was typed (Ctrl-D, or the two entries differ): exit 2, nothing written. */
export class InputRefused extends Error {
  override readonly name = "InputRefused";
}

/**
 * The password comes from stdin, never argv (argv is visible in `ps` and shell
 * history). From a pipe it is the first line. From a terminal it is typed without echo
 * and, with `again`, a second time, so a typo nobody could see is not stored.
 */
export async function readPassword(prompt: string, again?: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
  }
  // terminal: true puts the tty in raw mode, which turns the kernel's echo off; with no
  // output stream readline echoes nothing either. Raw mode comes first, the prompt after
  // it, so nothing typed after the prompt is ever shown.
  const rl = createInterface({ input: stdin, terminal: true });
  try {
    const first = await ask(rl, prompt);
    if (again === undefined) return first;
    if ((await ask(rl, again)) !== first) throw new InputRefused("the two passwords differ");
    return first;
  } finally {
    rl.close();
  }
}

function ask(rl: ReturnType<typeof createInterface>, prompt: string): Promise<string> {
  process.stderr.write(prompt);
  return new Promise<string>((resolve, reject) => {
    const done = (): void => {
      rl.off("SIGINT", interrupted);
      rl.off("close", closed);
      process.stderr.write("\n");
    };
    // Raw mode turns Ctrl-C into a key: without this listener readline would just close.
    const interrupted = (): void => {
      done();
      reject(new Interrupted("interrupted"));
    };
    // Ctrl-D on an empty line (or the terminal went away) closes the interface.
    const closed = (): void => {
      done();
      reject(new InputRefused("no password given"));
    };
    rl.once("SIGINT", interrupted);
    rl.once("close", closed);
    rl.question("", (answer) => {
      done();
      resolve(answer);
    });
  });
}
