import { describe, expect, it } from "vitest";
import { needsStepUp, STEP_UP_MAX_AGE_MS } from "./step-up.js";

const NOW = Date.UTC(2030, 0, 1);

describe("needsStepUp", () => {
  it("a second factor proved within ten minutes is fresh; older is not", () => {
    const session = { amr: ["pwd", "otp"] as const, authTime: NOW - STEP_UP_MAX_AGE_MS };
    expect(needsStepUp({ ...session, amr: [...session.amr] }, ["app"], NOW)).toBe(false);
    expect(needsStepUp({ ...session, amr: [...session.amr] }, ["app"], NOW + 1)).toBe(true);
  });

  it("a session proved by password alone needs one, unless second factors are off", () => {
    const session = { amr: ["pwd" as const], authTime: NOW };
    expect(needsStepUp(session, ["email"], NOW)).toBe(true);
    expect(needsStepUp(session, [], NOW)).toBe(false);
  });
});
