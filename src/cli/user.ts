import { normalizeUsername } from "../core/policy.js";
import type { User } from "../core/ports/users.js";
import { setTemporaryPassword, TEMPORARY_PASSWORD_TTL_MS } from "../core/temporary-password.js";
import { editUser, setUserActive, type UserAdminDeps } from "../core/user-admin.js";
import { parseOptions } from "./args.js";

// `vestibule user set-password|deactivate|reactivate|edit USERNAME` (issue 11): the
// operator's commands, on every account, administrators included, through the same core
// functions as the web. The last active administrator is never deactivated or demoted.

/** A mistake on the command line or a refusal: one line on stderr, exit 2. */
export class UserCommandError extends Error {}

export type WithAdmin = (
  work: (parts: {
    admin: UserAdminDeps;
    findUser: (name: string) => Promise<User>;
  }) => Promise<void>,
) => Promise<number>;

const LAST_ADMIN = "refused: the last active administrator cannot be deactivated or demoted";

function oneUsername(positionals: string[], command: string): string {
  if (positionals.length !== 1) throw new UserCommandError(`${command} takes one USERNAME`);
  return normalizeUsername(positionals[0]!);
}

function parse<T extends Parameters<typeof parseOptions>[0]["options"]>(
  args: string[],
  command: string,
  options: T,
) {
  try {
    return parseOptions({ args, allowPositionals: true, options }, command);
  } catch (err) {
    throw new UserCommandError((err as Error).message);
  }
}

export async function userSetPassword(
  args: string[],
  readPassword: () => Promise<string>,
  withAdmin: WithAdmin,
  out: (line: string) => void,
): Promise<number> {
  const { values, positionals } = parse(args, "user set-password", {
    temporary: { type: "boolean", default: false },
  });
  const username = oneUsername(positionals, "user set-password");
  const temporary = values.temporary === true;
  const password = await readPassword();
  return withAdmin(async ({ admin, findUser }) => {
    const user = await findUser(username);
    const result = await setTemporaryPassword(
      admin,
      "cli",
      user.id,
      { password, generated: false, temporary },
      null,
    );
    if (!result.ok) {
      if (result.reason !== "invalid") throw new UserCommandError(`refused: ${result.reason}`);
      const why = result.error.replace(/_/g, " ");
      throw new UserCommandError(
        result.minLength
          ? `password refused: ${why} (at least ${result.minLength})`
          : `password refused: ${why}`,
      );
    }
    out(
      temporary
        ? `password set for ${username}: temporary, must be changed at the next sign-in, works for ${TEMPORARY_PASSWORD_TTL_MS / 3600_000} hours; sessions ended\n`
        : `password set for ${username}; sessions ended\n`,
    );
  });
}

export async function userSetActive(
  args: string[],
  active: boolean,
  withAdmin: WithAdmin,
  out: (line: string) => void,
): Promise<number> {
  const command = active ? "user reactivate" : "user deactivate";
  const { positionals } = parse(args, command, {});
  const username = oneUsername(positionals, command);
  return withAdmin(async ({ admin, findUser }) => {
    const user = await findUser(username);
    const result = await setUserActive(admin, "cli", user.id, active, null);
    if (!result.ok) {
      throw new UserCommandError(
        result.reason === "last_administrator" ? LAST_ADMIN : `refused: ${result.reason}`,
      );
    }
    // Deactivation forgot the remembered devices in its transaction (store/users.ts).
    out(active ? `${username} reactivated\n` : `${username} deactivated; sessions ended\n`);
  });
}

export async function userEdit(
  args: string[],
  withAdmin: WithAdmin,
  out: (line: string) => void,
): Promise<number> {
  const { values, positionals } = parse(args, "user edit", {
    role: { type: "string" },
    email: { type: "string" },
    phone: { type: "string" },
    name: { type: "string" },
  });
  const username = oneUsername(positionals, "user edit");
  if (Object.keys(values).length === 0) {
    throw new UserCommandError(
      "user edit: nothing to change; give --role, --email, --phone or --name",
    );
  }
  return withAdmin(async ({ admin, findUser }) => {
    const user = await findUser(username);
    // Fields not given keep their value ("" clears an email, phone or name).
    const result = await editUser(
      admin,
      "cli",
      user.id,
      {
        displayName: values.name ?? user.displayName ?? "",
        email: values.email ?? user.email ?? "",
        phone: values.phone ?? user.phone ?? "",
        role: values.role ?? user.role,
      },
      null,
    );
    if (result.ok) {
      out(`${username} saved (${result.value.role})\n`);
      return;
    }
    if (result.reason === "last_administrator") throw new UserCommandError(LAST_ADMIN);
    if (result.reason !== "invalid") throw new UserCommandError(`refused: ${result.reason}`);
    const { errors } = result;
    if (errors.role) throw new UserCommandError("--role must be user, supervisor or administrator");
    if (errors.email) throw new UserCommandError(`invalid --email "${values.email}"`);
    if (errors.phone) {
      throw new UserCommandError(
        `invalid --phone "${values.phone}": use international format, e.g. +61412345678`,
      );
    }
    throw new UserCommandError("invalid --name: at most 100 characters, no control characters");
  });
}
