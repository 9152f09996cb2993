import { HasherBusyError } from "../password.js";
import { checkNewPassword } from "../password-policy.js";
import { type Refusal, refuse } from "../reasons.js";
import { enterNextStep, type FlowDeps, loadFlow, type Next } from "./flow.js";

/** Step 2: the forced password change (after Force New Password or a new account). */
export async function changePassword(
  deps: FlowDeps,
  token: string | undefined,
  input: { newPassword: string; confirmPassword: string; ip: string },
): Promise<Next | Refusal> {
  const loaded = await loadFlow(deps, token);
  if (!loaded) return refuse("expired");
  const { flow, user } = loaded;
  if (flow.state !== "change_password") return refuse("wrong_step");
  if (input.newPassword !== input.confirmPassword) return refuse("password_mismatch");
  try {
    const verdict = await checkNewPassword(deps.hasher, deps.rules.passwordRules, {
      password: input.newPassword,
      username: user.username,
      oldPasswordHash: user.passwordHash,
    });
    if (!verdict.ok) return verdict;
    const passwordHash = await deps.hasher.hash(input.newPassword);
    // Claim the step first: of two racing submissions only one changes the password.
    const next = await enterNextStep(deps, { ...user, mustChangePassword: false }, flow, input.ip);
    if (!next.ok) return next;
    await deps.stores.users.setPassword(user.id, passwordHash, false);
    await deps.audit({
      type: "password_changed",
      userId: user.id,
      actorId: user.id,
      username: user.username,
      ip: input.ip,
    });
    return next;
  } catch (err) {
    if (err instanceof HasherBusyError) return refuse("busy");
    throw err;
  }
}
