/**
 * Thrown by a write after the reader of stdout went away (`vestibule audit | head`): the
 * command stops its work and ends quietly, as `cat | head` does, instead of Node's EPIPE
 * stack trace.
 */
export class OutputClosed extends Error {
  override readonly name = "OutputClosed";
}

let watching = false;
let closed = false;

/**
 * A closed pipe is reported by an 'error' event after the write that hit it, and without
 * a listener that event kills the process with a stack trace. One listener for the life
 * of the process (a late EPIPE after the last write is swallowed too) remembers it.
 */
export function watchStdout(): void {
  if (watching) return;
  watching = true;
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") closed = true;
    else process.stderr.write(`vestibule: cannot write the output: ${err.message}\n`);
  });
}

/** A command's output on stdout; once the reader has gone, OutputClosed, so a long listing stops reading the database. */
export function writeOut(text: string): void {
  watchStdout();
  if (closed) throw new OutputClosed("stdout was closed");
  process.stdout.write(text);
}
