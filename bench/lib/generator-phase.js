import { loginPhase, PASSWORD } from "./phases.js";
import { StepBook } from "./steps.js";
import { recordSignIn, startStub } from "./stub.js";

class EndlessBook extends StepBook {
  take() {
    return this.idle.shift();
  }
  code(user, nowMs) {
    user.lastStep = 0;
    return super.code(user, nowMs);
  }
}

/**
 * (3): the load generator alone, against a stub replaying one real sign-in (stub.js):
 * paced at `perSecond`, and flat out.
 */
export async function generatorPhase(
  server,
  book,
  { concurrency, seconds, warmupSeconds, perSecond },
) {
  const user = book.take();
  const exchanges = await recordSignIn(server.base, user, book, PASSWORD);
  book.give(user);
  const stub = await startStub(exchanges);
  // The stub checks no code, so its users never run out of steps; the code is still
  // computed for each sign-in, as against the server.
  const endless = new EndlessBook(
    Array.from({ length: concurrency }, (_, i) => ({
      username: `stub${i}`,
      secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
      lastStep: 0,
    })),
  );
  try {
    const common = { concurrency, seconds, warmupSeconds, healthzIntervalMs: 0 };
    const paced = await loginPhase(stub, endless, { ...common, perSecond });
    const flat = await loginPhase(stub, endless, common);
    return { paced: { ...paced, target: perSecond }, flat };
  } finally {
    await stub.stop();
  }
}
