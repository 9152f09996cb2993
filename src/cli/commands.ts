// What `vestibule help`, `vestibule --help` and `vestibule COMMAND --help` print: one
// entry per command, the only place its usage line and options are written.

export interface CommandHelp {
  /** The words that name it: "user add". */
  name: string;
  /** The arguments after the name. */
  args: string;
  summary: string;
  /** Flag and what it does. */
  options?: readonly (readonly [string, string])[];
  /** A further paragraph (where the password comes from, what is printed). */
  more?: string;
}

export const COMMANDS: readonly CommandHelp[] = [
  {
    name: "serve",
    args: "",
    summary: "run the server (as `npm start`); stop it with Ctrl-C or SIGTERM",
  },
  {
    name: "migrate",
    args: "",
    summary: "bring the database schema up to date (also done at every start)",
  },
  {
    name: "user add",
    args: "USERNAME --role user|supervisor|administrator [--email E] [--phone +E164] [--name N] [--must-change-password]",
    summary: "add a user",
    options: [
      ["--role ROLE", "user, supervisor or administrator (required)"],
      ["--email E", "where email codes and notices go"],
      ["--phone +E164", "where SMS codes go, international format (+61412345678)"],
      ["--name N", "the display name staff pages show"],
      ["--must-change-password", "ask for a new password at the first sign-in"],
    ],
    more: "The password is never an argument (ps and shell history would show it). In a terminal it is asked for twice, without echo; from a pipe it is the first line of stdin.",
  },
  { name: "user list", args: "", summary: "every user, one JSON object per line" },
  {
    name: "user force-new-password",
    args: "USERNAME",
    summary:
      "clear the user's authenticator, end their sessions, ask for a new password at the next sign-in",
  },
  // Issue 11: on every account, administrators included (docs/supervision.md)
  {
    name: "user set-password",
    args: "USERNAME [--temporary]",
    summary: "set a user's password; their sessions end and they are emailed",
    options: [
      [
        "--temporary",
        "must be changed at the next sign-in and stops working after 72 hours (as the web's)",
      ],
    ],
    more: "The password is never an argument: in a terminal it is asked for twice, without echo; from a pipe it is the first line of stdin. It must pass the password rules.",
  },
  {
    name: "user deactivate",
    args: "USERNAME",
    summary: "stop a user signing in and end their sessions (never the last active administrator)",
  },
  {
    name: "user reactivate",
    args: "USERNAME",
    summary: "let a deactivated user sign in again with their password and app",
  },
  {
    name: "user edit",
    args: "USERNAME [--role R] [--email E] [--phone P] [--name N]",
    summary: "change a user's role or contact details (the last active administrator stays one)",
    options: [
      ["--role ROLE", "user, supervisor or administrator"],
      ["--email E", 'where email codes and notices go ("" removes it)'],
      ["--phone +E164", 'where SMS codes go, international format ("" removes it)'],
      ["--name N", "the display name staff pages show"],
    ],
    more: "Fields not given keep their value. A changed email or phone is told to the user at the old and the new one.",
  },
  {
    name: "methods set",
    args: "LIST",
    summary: 'enable second factors: a comma list of app, sms, email; "" turns 2FA off',
  },
  { name: "methods show", args: "", summary: "the enabled second factors" },
  {
    name: "audit",
    args: "[--user USERNAME] [--since DURATION]",
    summary: "audit events as JSON lines, newest first (UTC times)",
    options: [
      ["--user USERNAME", "only the events about this user"],
      ["--since DURATION", "only the last 30m, 1h, 7d, …"],
    ],
    more: "Pipe it on as you like: `vestibule audit | head` stops quietly.",
  },
  {
    name: "client add",
    args: "NAME --redirect-uri URI [--redirect-uri URI…] [--post-logout-redirect-uri URI…] [--public] [--require-mfa]",
    summary: "add an OpenID Connect client; prints its id and secret once (docs/oidc.md)",
    options: [
      ["--redirect-uri URI", "where sign-ins return (https, or http on loopback); repeatable"],
      ["--post-logout-redirect-uri URI", "where sign-outs may return; repeatable"],
      ["--public", "a client without a secret (PKCE only)"],
      ["--require-mfa", "only sign-ins that used a second factor"],
    ],
  },
  { name: "client list", args: "", summary: "clients as JSON lines (no secrets)" },
  {
    name: "client remove",
    args: "CLIENT_ID",
    summary: "remove a client; its tokens stop working",
  },
  { name: "client rotate-secret", args: "CLIENT_ID", summary: "give a client a new secret" },
  {
    name: "oidc keys rotate",
    args: "",
    summary: "one step of the signing-key rotation (publish, promote, retire)",
  },
  { name: "oidc keys list", args: "", summary: "the signing keys and their states" },
  {
    name: "access set",
    args: "HOST --roles user,supervisor,administrator",
    summary: "who may pass to HOST through forward-auth (docs/integrate.md)",
    options: [["--roles LIST", "a comma list of user, supervisor, administrator"]],
  },
  { name: "access list", args: "", summary: "the forward-auth rules as JSON lines" },
  {
    name: "access remove",
    args: "HOST",
    summary: "remove HOST's rule: any signed-in user with a second factor may pass",
  },
  { name: "help", args: "[COMMAND]", summary: "this list, or one command's help" },
];

const GROUPS = ["user", "methods", "client", "oidc", "oidc keys", "access"];

/** The command named by the leading words of argv (the longest match), if any. */
export function findCommand(argv: readonly string[]): CommandHelp | undefined {
  let found: CommandHelp | undefined;
  for (const command of COMMANDS) {
    const words = command.name.split(" ");
    if (words.every((w, i) => argv[i] === w) && words.length > (found?.name.split(" ").length ?? 0))
      found = command;
  }
  return found;
}

function usageLine(c: CommandHelp): string {
  return `vestibule ${c.name}${c.args ? ` ${c.args}` : ""}`;
}

/** Every command, one usage line and what it does. */
export function overview(version: string): string {
  const lines = COMMANDS.map((c) => `  ${usageLine(c)}\n      ${c.summary}`);
  return `vestibule ${version}: two-factor sign-in service

usage:
${lines.join("\n")}

Every command reads the same environment and .env file as the server (README.md).
\`vestibule COMMAND --help\` shows one command; \`vestibule --version\` the version.
`;
}

/** One command's help. */
export function commandHelp(c: CommandHelp): string {
  const options = c.options?.length
    ? `\noptions:\n${c.options.map(([flag, what]) => `  ${flag.padEnd(32)}${what}`).join("\n")}\n`
    : "";
  return `usage: ${usageLine(c)}

${c.summary[0]!.toUpperCase()}${c.summary.slice(1)}.
${options}${c.more ? `\n${c.more}\n` : ""}`;
}

/**
 * The help the words before any option ask for: a command's (`user add alice --help`
 * is user add's), a group's (`user --help`: its commands), or undefined for neither.
 */
export function helpFor(words: readonly string[]): string | undefined {
  const command = findCommand(words);
  if (command) return commandHelp(command);
  const group = words.join(" ");
  if (!GROUPS.includes(group)) return undefined;
  const members = COMMANDS.filter((c) => c.name.startsWith(`${group} `));
  return `usage:\n${members.map((c) => `  ${usageLine(c)}\n      ${c.summary}`).join("\n")}\n`;
}
