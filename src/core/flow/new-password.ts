import { BUSY_RETRY_AFTER_MS, HasherBusyError } from "../password.js";
import { refuseOwnNewPassword } from "../password-policy.js";
import { type Refusal, refuse } from "../reasons.js";
import { forgetDevices } from "../remembered-devices.js";
import { enterNextStep, type FlowDeps, loadFlow, type Next } from "./flow.js";

/** Step 2: the forced password change (after Force New Password or a new account). */
export async function changePassword(
  deps: FlowDeps,
  token: string | undefined,
  input: {
    newPassword: string;
    confirmPassword: string;
    ip: string;
    /** The browser's User-Agent, for the session it may begin. */
    userAgent?: string | null;
  },
): Promise<Next | Refusal> {
  const loaded = await loadFlow(deps, token);
  if (!loaded) return refuse("expired");
  const { flow, user } = loaded;
  if (flow.state !== "change_password") return refuse("wrong_step");
  if (input.newPassword !== input.confirmPassword) return refuse("password_mismatch");
  const refused = await refuseOwnNewPassword(
    deps.hasher,
    deps.rules.passwordRules,
    user,
    input.newPassword,
    loaded.methods.length > 0,
  ).catch((err: unknown) => {
    if (err instanceof HasherBusyError) return refuse("busy", BUSY_RETRY_AFTER_MS);
    throw err;
  });
  if (refused) return refused;
  try {
    const passwordHash = await deps.hasher.hash(input.newPassword);
    // Claim the step first: of two racing submissions only one changes the password.
    const next = await enterNextStep(deps, { ...user, mustChangePassword: false }, flow, {
      ip: input.ip,
      userAgent: input.userAgent,
    });
    if (!next.ok) return next;
    // The new password and its audit event commit together; the remembered devices are
    // forgotten in the same transaction (issue 11: a new password, a new proof everywhere).
    await deps.stores.atomically(async (tx) => {
      await tx.users.setPassword(user.id, passwordHash, false);
      await forgetDevices(user.id, tx);
      await deps.audit(
        {
          type: "password_changed",
          userId: user.id,
          actorId: user.id,
          username: user.username,
          ip: input.ip,
        },
        tx,
      );
    });
    return next;
  } catch (err) {
    if (err instanceof HasherBusyError) return refuse("busy", BUSY_RETRY_AFTER_MS);
    throw err;
  }
}
