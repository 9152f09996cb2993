import "dotenv/config";
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../config.js";
import { checkNewPassword } from "../core/password-policy.js";
import {
  getEnabledMethods,
  isValidUsername,
  normalizeUsername,
  parseMethods,
  setEnabledMethods,
} from "../core/policy.js";
import { ROLES, type Role } from "../core/ports.js";
import { forceNewPassword as forceNewPasswordAs } from "../core/supervision.js";
import { missingProvider } from "../delivery/config.js";
import { normalizePhone } from "../delivery/phone.js";
import { serve } from "../main.js";
import { createSystem } from "../system.js";
import { type AuditArgs, parseAuditArgs, printAudit } from "./audit.js";
import { OIDC_USAGE, runOidcCommand } from "./oidc.js";
import { readPassword } from "./stdin.js";

/** A user's mistake on the command line: one line on stderr, exit code 2, nothing written. */
export class UsageError extends Error {}

const USAGE = `usage:
  vestibule serve
  vestibule migrate
  vestibule user add USERNAME --role user|supervisor|administrator [--email E] [--phone +E164] [--must-change-password]   (password on stdin)
  vestibule user list
  vestibule user force-new-password USERNAME
  vestibule methods set app,sms,email      (an empty list "" turns 2FA off)
  vestibule methods show
  vestibule audit [--user USERNAME] [--since 1h]   (JSON lines, newest first)
${OIDC_USAGE}`;

export async function run(argv: string[]): Promise<void> {
  try {
    const code = await dispatch(argv);
    process.exitCode = code;
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
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
      return withSystem(async ({ store }) => {
        for (
          let after: string | undefined, page = await store.listUsers({ limit: 500 });
          page.length > 0;
        ) {
          for (const u of page) {
            process.stdout.write(
              `${JSON.stringify({ username: u.username, role: u.role, email: u.email, phone: u.phone, active: u.active, mustChangePassword: u.mustChangePassword })}\n`,
            );
            after = u.username;
          }
          page = await store.listUsers({ limit: 500, after });
        }
      });
    case "methods set": {
      const list = rest[0];
      if (list === undefined || rest.length > 1)
        throw new UsageError('methods set takes one list, e.g. "app,email" or ""');
      const methods = parseMethods(list);
      if (!methods) throw new UsageError(`unknown method in "${list}": use app, sms, email`);
      const config = loadConfig();
      const missing = missingProvider(config.delivery, methods, config.production);
      if (missing) throw new UsageError(`refused: ${missing}`);
      return withSystem(async ({ store, audit }) => {
        const before = await getEnabledMethods(store);
        await setEnabledMethods(store, methods);
        await audit({
          type: "settings_changed",
          detail: { methods: { from: before, to: methods }, via: "cli" },
        });
        process.stdout.write(
          `methods: ${methods.length ? methods.join(",") : "(none: 2FA off)"}\n`,
        );
      });
    }
    case "methods show":
      return withSystem(async ({ store }) => {
        const methods = await getEnabledMethods(store);
        process.stdout.write(
          `methods: ${methods.length ? methods.join(",") : "(none: 2FA off)"}\n`,
        );
      });
    default:
      if (command === "user" && sub === "force-new-password") return forceNewPassword(rest);
      if (command === "audit") return audit(argv.slice(1));
      if (command === "client" || command === "oidc") return runOidcCommand(argv);
      throw new UsageError(command ? `unknown command "${argv.join(" ")}"\n${USAGE}` : USAGE);
  }
}

async function withSystem(
  work: (system: Awaited<ReturnType<typeof createSystem>>) => Promise<void>,
): Promise<number> {
  const system = await createSystem(loadConfig());
  try {
    await work(system);
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
  const { username, role, email, phone, mustChange } = parsed;
  const password = await readPassword("Password: ");
  const config = loadConfig();
  return withSystem(async ({ store, hasher, audit }) => {
    const verdict = await checkNewPassword(hasher, config.passwordRules, { password, username });
    if (!verdict.ok) throw new UsageError(`password refused: ${verdict.reason.replace(/_/g, " ")}`);
    const user = await store.createUser(
      {
        username,
        role,
        email,
        phone,
        passwordHash: await hasher.hash(password),
        mustChangePassword: mustChange,
      },
      randomUUID(),
      Date.now(),
    );
    if (!user) throw new UsageError(`user "${username}" already exists`);
    await audit({ type: "user_added", userId: user.id, username, detail: { role, via: "cli" } });
    process.stdout.write(`added ${username} (${role})\n`);
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
      "must-change-password": { type: "boolean", default: false },
    },
  });
  if (positionals.length !== 1) throw new Error("user add takes one USERNAME");
  const username = normalizeUsername(positionals[0]!);
  if (!isValidUsername(username)) {
    throw new Error(
      `invalid username "${positionals[0]}": 1-64 of a-z 0-9 . _ @ -, starting with a letter or digit`,
    );
  }
  const role = values.role as Role | undefined;
  if (!role || !ROLES.includes(role))
    throw new Error("--role must be user, supervisor or administrator");
  const email = values.email?.trim() || null;
  if (email !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw new Error(`invalid --email "${email}"`);
  let phone: string | null = null;
  if (values.phone !== undefined) {
    const p = normalizePhone(values.phone);
    if (!p.ok)
      throw new Error(
        `invalid --phone "${values.phone}": use international format, e.g. +61412345678`,
      );
    phone = p.e164;
  }
  return { username, role, email, phone, mustChange: values["must-change-password"] === true };
}

async function forceNewPassword(args: string[]): Promise<number> {
  if (args.length !== 1) throw new UsageError("user force-new-password takes one USERNAME");
  const username = normalizeUsername(args[0]!);
  return withSystem(async ({ store, staff }) => {
    const user = await store.findUserByUsername(username);
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
  return withSystem(async ({ store }) => {
    if (parsed.user && !(await store.findUserByUsername(normalizeUsername(parsed.user)))) {
      throw new UsageError(`no user "${parsed.user}"`);
    }
    await printAudit(store, parsed, Date.now(), (line) => process.stdout.write(line));
  });
}
