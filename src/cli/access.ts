import { parseArgs } from "node:util";
import { type AccessRuleDeps, removeAccessRule, setAccessRule } from "../core/access-rules.js";
import { normalizeHost } from "../core/forward-auth.js";

// `vestibule access set|list|remove` (forward-auth rules per host, docs/integrate.md).
// Arguments are checked before the database is opened: a bad one is one line on stderr,
// exit 2, nothing written.

export const ACCESS_USAGE = `  vestibule access set HOST --roles user,supervisor,administrator   (who may pass to HOST through forward-auth)
  vestibule access list | access remove HOST`;

export class AccessUsage extends Error {}

type WithDeps = (work: (deps: AccessRuleDeps) => Promise<void>) => Promise<number>;

function line(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

function oneHost(positionals: string[], command: string): string {
  const [host, ...more] = positionals;
  if (!host || more.length > 0) throw new AccessUsage(`${command} takes one HOST`);
  if (!normalizeHost(host)) {
    throw new AccessUsage(
      `"${host}" is not a host name: give the name alone, e.g. wiki.example.org (no scheme, port or path)`,
    );
  }
  return host;
}

function parse(args: string[]) {
  try {
    const options = { roles: { type: "string" as const } };
    return parseArgs({ args, allowPositionals: true, strict: true, options });
  } catch (err) {
    throw new AccessUsage((err as Error).message);
  }
}

/** The exit code; `withDeps` opens the database only once the arguments are good. */
export async function runAccessCommand(argv: string[], withDeps: WithDeps): Promise<number> {
  const [, sub, ...rest] = argv;
  switch (sub) {
    case "set": {
      const { values, positionals } = parse(rest);
      const host = oneHost(positionals, "access set");
      const roles = typeof values.roles === "string" ? values.roles : "";
      return withDeps(async (deps) => {
        const result = await setAccessRule(deps, "cli", { host, roles }, null);
        if (result.ok) return line({ host: result.rule.host, roles: result.rule.roles });
        throw new AccessUsage(
          result.reason === "invalid_roles"
            ? "--roles takes a comma list of user, supervisor, administrator (to let every signed-in user pass, use `access remove HOST`)"
            : `refused: ${result.reason}`,
        );
      });
    }
    case "list": {
      if (rest.length > 0) throw new AccessUsage("access list takes no arguments");
      return withDeps(async ({ stores }) => {
        for (const rule of await stores.access.list()) {
          line({
            host: rule.host,
            roles: rule.roles,
            updated_at: new Date(rule.updatedAt).toISOString(),
          });
        }
      });
    }
    case "remove": {
      const { values, positionals } = parse(rest);
      if (values.roles !== undefined) throw new AccessUsage("access remove takes no --roles");
      const host = oneHost(positionals, "access remove");
      return withDeps(async (deps) => {
        const result = await removeAccessRule(deps, "cli", host, null);
        if (!result.ok) throw new AccessUsage(`no rule for "${normalizeHost(host)}"`);
        process.stdout.write(
          `removed the rule for ${normalizeHost(host)}: any signed-in user with a second factor may pass\n`,
        );
      });
    }
    default:
      throw new AccessUsage(`unknown command "${argv.join(" ")}"\nusage:\n${ACCESS_USAGE}`);
  }
}
