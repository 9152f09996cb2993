import "dotenv/config";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../config.js";
import { getEnabledMethods, normalizeUsername, parseMethods } from "../core/policy.js";
import { changeMethods, forceNewPassword as forceNewPasswordAs } from "../core/supervision.js";
import { addUser, type FormErrors } from "../core/user-admin.js";
import { serve } from "../main.js";
import { createSystem } from "../system.js";
import { ACCESS_USAGE, AccessUsage, runAccessCommand } from "./access.js";
import { type AuditArgs, parseAuditArgs, printAudit } from "./audit.js";
import { OIDC_USAGE, runOidcCommand } from "./oidc.js";
import { readPassword } from "./stdin.js";

/** A user's mistake on the command line: one line on stderr, exit code 2, nothing written. */
export class UsageError extends Error {}

const USAGE = `usage:
  vestibule serve
  vestibule migrate
  vestibule user add USERNAME --role user|supervisor|administrator [--email E] [--phone +E164] [--name N] [--must-change-password]   (password on stdin)
  vestibule user list
  vestibule user force-new-password USERNAME
  vestibule methods set app,sms,email      (an empty list "" turns 2FA off)
  vestibule methods show
  vestibule audit [--user USERNAME] [--since 1h]   (JSON lines, newest first)
${OIDC_USAGE}
${ACCESS_USAGE}`;

export async function run(argv: string[]): Promise<void> {
  try {
    const code = await dispatch(argv);
    process.exitCode = code;
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError || err instanceof AccessUsage) {
      process.stderr.write(`vestibule: ${err.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`vestibule: ${(err as Error).message}\n`);
      process.exitCode = 1;
    }
  }
}

async function dispatch(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  switch (`${command ?? ""} ${sub ?? ""}`.trim()) {
    case "serve":
      await serve();
      return 0;
    case "migrate":
      return withSystem(async () => {
        process.stdout.write("database is up to date\n");
      });
    case "user add":
      return userAdd(rest);
    case "user list":
      return withSystem(async ({ stores }) => {
        for (let after: string | undefined; ; ) {
          const page = await stores.users.search({ limit: 500, after });
          if (page.length === 0) break;
          for (const u of page) {
            process.stdout.write(
              `${JSON.stringify({ username: u.username, role: u.role, email: u.email, phone: u.phone, active: u.active, mustChangePassword: u.mustChangePassword })}\n`,
            );
          }
          after = page[page.length - 1]?.username;
        }
      });
    case "methods set": {
      const list = rest[0];
      if (list === undefined || rest.length > 1)
        throw new UsageError('methods set takes one list, e.g. "app,email" or ""');
      const methods = parseMethods(list);
      if (!methods) throw new UsageError(`unknown method in "${list}": use app, sms, email`);
      return withSystem(async ({ staff }) => {
        // The same core function as the settings page: one check of what may be enabled.
        const result = await changeMethods(staff.admin, "cli", methods, null);
        if (!result.ok) {
          throw new UsageError(
            result.reason === "unavailable" ? `refused: ${result.problem}` : "refused",
          );
        }
        process.stdout.write(
          `methods: ${methods.length ? methods.join(",") : "(none: 2FA off)"}\n`,
        );
      });
    }
    case "methods show":
      return withSystem(async ({ stores }) => {
        const methods = await getEnabledMethods(stores.settings);
        process.stdout.write(
          `methods: ${methods.length ? methods.join(",") : "(none: 2FA off)"}\n`,
        );
      });
    default:
      if (command === "user" && sub === "force-new-password") return forceNewPassword(rest);
      if (command === "audit") return audit(argv.slice(1));
      if (command === "client" || command === "oidc") return runOidcCommand(argv);
      if (command === "access") {
        return runAccessCommand(argv, (work) =>
          withSystem((system) =>
            work({ stores: system.stores, clock: system.core.clock, audit: system.audit }),
          ),
        );
      }
      throw new UsageError(command ? `unknown command "${argv.join(" ")}"\n${USAGE}` : USAGE);
  }
}

async function withSystem(
  work: (system: Awaited<ReturnType<typeof createSystem>>) => Promise<void>,
): Promise<number> {
  const system = await createSystem(loadConfig());
  try {
    await work(system);
    // What the command queued (Force New Password's notice) goes before the process ends;
    // what cannot go now stays in the outbox for the server to send (issue 14).
    await system.notices.drain();
    return 0;
  } finally {
    await system.close();
  }
}

async function userAdd(args: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseUserAdd>;
  try {
    parsed = parseUserAdd(args);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const password = await readPassword("Password: ");
  return withSystem(async ({ staff }) => {
    // The same core function and checks as the web's Add a user.
    const result = await addUser(staff.admin, "cli", { ...parsed, password }, null);
    if (!result.ok) {
      if (result.reason !== "invalid") throw new UsageError(result.reason);
      throw new UsageError(describeErrors(parsed, result.errors, result));
    }
    process.stdout.write(`added ${result.value.username} (${result.value.role})\n`);
  });
}

function parseUserAdd(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      role: { type: "string" },
      email: { type: "string" },
      phone: { type: "string" },
      name: { type: "string" },
      "must-change-password": { type: "boolean", default: false },
    },
  });
  if (positionals.length !== 1) throw new Error("user add takes one USERNAME");
  return {
    username: positionals[0]!,
    role: values.role ?? "",
    email: values.email ?? "",
    phone: values.phone ?? "",
    displayName: values.name ?? "",
    mustChangePassword: values["must-change-password"] === true,
  };
}

/** The first refused field, in the CLI's words. */
function describeErrors(
  input: ReturnType<typeof parseUserAdd>,
  errors: FormErrors,
  password: { weakness?: string; minLength?: number } = {},
): string {
  if (errors.username === "username_taken")
    return `user "${normalizeUsername(input.username)}" already exists`;
  if (errors.username) {
    return `invalid username "${input.username}": 1-64 of a-z 0-9 . _ @ -, starting with a letter or digit`;
  }
  if (errors.role) return "--role must be user, supervisor or administrator";
  if (errors.email) return `invalid --email "${input.email}"`;
  if (errors.phone) {
    return `invalid --phone "${input.phone}": use international format, e.g. +61412345678`;
  }
  if (errors.displayName) return "invalid --name: at most 100 characters, no control characters";
  if (errors.password === "password_weak") {
    return `password refused: too easy to guess (${(password.weakness ?? "guessable").replace(/_/g, " ")})`;
  }
  if (errors.password === "password_too_short" && password.minLength) {
    return `password refused: too short (at least ${password.minLength} characters)`;
  }
  if (errors.password) return `password refused: ${errors.password.replace(/_/g, " ")}`;
  return "refused";
}

async function forceNewPassword(args: string[]): Promise<number> {
  if (args.length !== 1) throw new UsageError("user force-new-password takes one USERNAME");
  const username = normalizeUsername(args[0]!);
  return withSystem(async ({ stores, staff }) => {
    const user = await stores.users.findByUsername(username);
    if (!user) throw new UsageError(`no user "${username}"`);
    // The same core function as the web's button: one transaction, lock cleared, audited.
    const result = await forceNewPasswordAs(staff.admin, "cli", user.id, null);
    if (!result.ok) throw new UsageError(`no user "${username}"`);
    process.stdout.write(
      `${username} must choose a new password and set up the app again at the next sign-in\n`,
    );
  });
}

async function audit(args: string[]): Promise<number> {
  let parsed: AuditArgs;
  try {
    parsed = parseAuditArgs(args);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return withSystem(async ({ stores }) => {
    if (parsed.user && !(await stores.users.findByUsername(normalizeUsername(parsed.user)))) {
      throw new UsageError(`no user "${parsed.user}"`);
    }
    await printAudit(stores, parsed, Date.now(), (line) => process.stdout.write(line));
  });
}
