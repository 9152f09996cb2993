import "dotenv/config";
import { ConfigError, loadConfig } from "../config.js";
import { getEnabledMethods, normalizeUsername, parseMethods } from "../core/policy.js";
import { changeMethods, forceNewPassword as forceNewPasswordAs } from "../core/supervision.js";
import { addUser, type FormErrors } from "../core/user-admin.js";
import { serve } from "../main.js";
import { createSystem } from "../system.js";
import { VERSION } from "../version.js";
import { AccessUsage, runAccessCommand } from "./access.js";
import { noArguments, parseOptions } from "./args.js";
import { type AuditArgs, parseAuditArgs, printAudit } from "./audit.js";
import { findCommand, helpFor, overview } from "./commands.js";
import { runOidcCommand } from "./oidc.js";
import { OutputClosed, watchStdout, writeOut } from "./output.js";
import { InputRefused, Interrupted, readPassword } from "./stdin.js";
import {
  UserCommandError,
  userEdit,
  userSetActive,
  userSetPassword,
  type WithAdmin,
} from "./user.js";

/** A user's mistake on the command line: one line on stderr, exit code 2, nothing written. */
export class UsageError extends Error {}

/** The usage on stderr after a mistake: the overview (a bare `vestibule`, an unknown command). */
const USAGE = overview(VERSION);

export async function run(argv: string[]): Promise<void> {
  watchStdout();
  try {
    const code = (await answerHelp(argv)) ?? (await dispatch(argv));
    process.exitCode = code;
  } catch (err) {
    if (err instanceof OutputClosed) {
      // The reader has what it wanted (`| head`): not an error.
      process.exitCode = 0;
    } else if (err instanceof Interrupted) {
      process.exitCode = 130;
    } else if (
      err instanceof UsageError ||
      err instanceof ConfigError ||
      err instanceof InputRefused ||
      err instanceof AccessUsage ||
      err instanceof UserCommandError
    ) {
      process.stderr.write(`vestibule: ${err.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`vestibule: ${(err as Error).message}\n`);
      process.exitCode = 1;
    }
  }
}

/**
 * `help [COMMAND]`, `--help`/`-h` anywhere (before `--`), `--version`/`version`: printed
 * on stdout, exit 0, nothing opened. Undefined when argv asks for none of them.
 */
async function answerHelp(argv: string[]): Promise<number | undefined> {
  const [first, ...rest] = argv;
  if (first === "--version" || (first === "version" && rest.length === 0)) {
    writeOut(`vestibule ${VERSION}\n`);
    return 0;
  }
  const beforeEnd = argv.indexOf("--") === -1 ? argv : argv.slice(0, argv.indexOf("--"));
  const asked = first === "help" || beforeEnd.includes("--help") || beforeEnd.includes("-h");
  if (!asked) return undefined;
  const words = (first === "help" ? rest : argv).filter((a) => !a.startsWith("-"));
  const named = first === "help" ? words : words.slice(0, 3);
  if (named.length === 0) {
    writeOut(USAGE);
    return 0;
  }
  const help = helpFor(named);
  if (help === undefined) {
    throw new UsageError(`no command "${named.join(" ")}"; see vestibule --help`);
  }
  writeOut(help);
  return 0;
}

async function dispatch(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  switch (`${command ?? ""} ${sub ?? ""}`.trim()) {
    case "serve":
      await serve();
      return 0;
    case "migrate":
      return withSystem(async () => {
        writeOut("database is up to date\n");
      });
    case "user add":
      return userAdd(rest);
    case "user list":
      refuseArguments(rest, "user list");
      return withSystem(async ({ stores }) => {
        for (let after: string | undefined; ; ) {
          const page = await stores.users.search({ limit: 500, after });
          if (page.length === 0) break;
          for (const u of page) {
            writeOut(
              `${JSON.stringify({ username: u.username, role: u.role, email: u.email, phone: u.phone, active: u.active, mustChangePassword: u.mustChangePassword })}\n`,
            );
          }
          after = page[page.length - 1]?.username;
        }
      });
    case "methods set": {
      const list = rest[0];
      if (list?.startsWith("-")) refuseArguments(rest, "methods set");
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
        writeOut(`methods: ${methods.length ? methods.join(",") : "(none: 2FA off)"}\n`);
      });
    }
    case "methods show":
      refuseArguments(rest, "methods show");
      return withSystem(async ({ stores }) => {
        const methods = await getEnabledMethods(stores.settings);
        writeOut(`methods: ${methods.length ? methods.join(",") : "(none: 2FA off)"}\n`);
      });
    default: {
      if (command === "user" && sub === "force-new-password") return forceNewPassword(rest);
      // Issue 11: the operator's commands on any account.
      if (command === "user" && sub === "set-password") {
        return userSetPassword(
          rest,
          () => readPassword("Password: ", "Password again: "),
          withAdmin,
          writeOut,
        );
      }
      if (command === "user" && (sub === "deactivate" || sub === "reactivate")) {
        return userSetActive(rest, sub === "reactivate", withAdmin, writeOut);
      }
      if (command === "user" && sub === "edit") return userEdit(rest, withAdmin, writeOut);
      if (command === "audit") return audit(argv.slice(1));
      if (command === "client" || command === "oidc") return runOidcCommand(argv);
      if (command === "access") {
        return runAccessCommand(argv, (work) =>
          withSystem((system) =>
            work({ stores: system.stores, clock: system.core.clock, audit: system.audit }),
          ),
        );
      }
      // A known command with something after it that it does not take (`serve --port 4000`).
      const known = findCommand(argv);
      if (known) refuseArguments(argv.slice(known.name.split(" ").length), known.name);
      if (!command) {
        process.stderr.write(USAGE);
        return 2;
      }
      throw new UsageError(`unknown command "${argv.join(" ")}"; see vestibule --help\n${USAGE}`);
    }
  }
}

/** One line and exit 2 when a command that takes no arguments was given some. */
function refuseArguments(args: string[], command: string): void {
  const problem = noArguments(args, command);
  if (problem) throw new UsageError(problem);
}

async function withSystem(
  work: (system: Awaited<ReturnType<typeof createSystem>>) => Promise<void>,
): Promise<number> {
  const config = loadConfig();
  // The audit log records what a command did. Its log lines go to stderr (stdout is the
  // command's output), and only warnings unless LOG_LEVEL asks for more.
  const logLevel = process.env.LOG_LEVEL || config.logLevel === "silent" ? config.logLevel : "warn";
  const system = await createSystem({ ...config, logLevel }, { logStream: process.stderr });
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

/** The user-management core for one command, and the account it names (or exit 2). */
const withAdmin: WithAdmin = (work) =>
  withSystem(async ({ stores, staff }) => {
    await work({
      admin: staff.admin,
      findUser: async (username) => {
        const user = await stores.users.findByUsername(username);
        if (!user) throw new UserCommandError(`no user "${username}"`);
        return user;
      },
    });
  });

async function userAdd(args: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseUserAdd>;
  try {
    parsed = parseUserAdd(args);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const password = await readPassword("Password: ", "Password again: ");
  return withSystem(async ({ staff }) => {
    // The same core function and checks as the web's Add a user.
    const result = await addUser(staff.admin, "cli", { ...parsed, password }, null);
    if (!result.ok) {
      if (result.reason !== "invalid") throw new UsageError(result.reason);
      throw new UsageError(describeErrors(parsed, result.errors, result));
    }
    writeOut(`added ${result.value.username} (${result.value.role})\n`);
  });
}

function parseUserAdd(args: string[]) {
  const { values, positionals } = parseOptions(
    {
      args,
      allowPositionals: true,
      options: {
        role: { type: "string" },
        email: { type: "string" },
        phone: { type: "string" },
        name: { type: "string" },
        "must-change-password": { type: "boolean", default: false },
      },
    },
    "user add",
  );
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
  const option = args.find((a) => a.startsWith("-"));
  if (option) refuseArguments([option], "user force-new-password");
  if (args.length !== 1) throw new UsageError("user force-new-password takes one USERNAME");
  const username = normalizeUsername(args[0]!);
  return withSystem(async ({ stores, staff }) => {
    const user = await stores.users.findByUsername(username);
    if (!user) throw new UsageError(`no user "${username}"`);
    // The same core function as the web's button: one transaction, lock cleared, audited.
    const result = await forceNewPasswordAs(staff.admin, "cli", user.id, null);
    if (!result.ok) throw new UsageError(`no user "${username}"`);
    writeOut(
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
    await printAudit(stores, parsed, Date.now(), writeOut);
  });
}
