import { loadConfig } from "../config.js";
import {
  addClient,
  type ClientDeps,
  checkNewClient,
  listClients,
  removeClient,
  rotateClientSecret,
} from "../oidc/clients.js";
import { listKeys, rotateKeys } from "../oidc/keys.js";
import { oidcBox } from "../oidc/sealing.js";
import { migrate, openDatabase } from "../store/open.js";
import { systemRandom } from "../system.js";
import { parseOptions } from "./args.js";

// `vestibule client …` and `vestibule oidc keys …` (docs/oidc.md). Arguments are checked
// before the database is opened: a bad one is one line on stderr, exit 2, nothing written.

export const OIDC_USAGE = `  vestibule client add NAME --redirect-uri URI [--redirect-uri URI…] [--post-logout-redirect-uri URI…] [--public] [--require-mfa]
  vestibule client list | client remove CLIENT_ID | client rotate-secret CLIENT_ID
  vestibule oidc keys rotate | oidc keys list`;

class Usage extends Error {}

const NEXT_STEP = {
  published:
    "restart every instance (the new key is published, not signing), then run `vestibule oidc keys rotate` again",
  promoted:
    "restart every instance (the new key signs; the old one still verifies); an hour later run `vestibule oidc keys rotate` again to retire the old key",
  retired: "the old key is no longer published (restart every instance)",
} as const;

function line(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

async function withClientDeps(work: (deps: ClientDeps) => Promise<void>): Promise<void> {
  const config = loadConfig();
  const opened = openDatabase(config.databaseUrl);
  try {
    await migrate(opened);
    const box = oidcBox(config.secretKeys, "oidc-client-secret", systemRandom);
    await work({ db: opened.db, box, random: systemRandom });
  } finally {
    await opened.close();
  }
}

function oneId(args: string[], command: string): string {
  const [id, ...more] = args;
  if (!id || more.length > 0 || id.startsWith("-"))
    throw new Usage(`${command} takes one CLIENT_ID`);
  return id;
}

async function clientAdd(args: string[]): Promise<void> {
  let parsed: ReturnType<typeof parseAdd>;
  try {
    parsed = parseAdd(args);
  } catch (err) {
    throw new Usage((err as Error).message);
  }
  const checked = checkNewClient(parsed);
  if (!checked.ok) throw new Usage(checked.reason);
  await withClientDeps(async (deps) => {
    const added = await addClient(deps, checked.client, Date.now());
    line({
      client_id: added.clientId,
      ...(added.clientSecret ? { client_secret: added.clientSecret } : {}),
    });
  });
}

function parseAdd(args: string[]) {
  const { values, positionals } = parseOptions(
    {
      args,
      allowPositionals: true,
      options: {
        "redirect-uri": { type: "string", multiple: true },
        "post-logout-redirect-uri": { type: "string", multiple: true },
        public: { type: "boolean", default: false },
        "require-mfa": { type: "boolean", default: false },
      },
    },
    "client add",
  );
  if (positionals.length !== 1)
    throw new Error("client add takes one NAME (quote a name with spaces)");
  return {
    name: positionals[0]!,
    redirectUris: values["redirect-uri"] ?? [],
    postLogoutRedirectUris: values["post-logout-redirect-uri"] ?? [],
    public: values.public === true,
    requireMfa: values["require-mfa"] === true,
  };
}

async function dispatchOidc(argv: string[]): Promise<void> {
  const [command, sub, ...rest] = argv;
  switch (`${command} ${sub ?? ""}`) {
    case "client add":
      return clientAdd(rest);
    case "client list":
      if (rest.length > 0) throw new Usage("client list takes no arguments");
      return withClientDeps(async ({ db }) => {
        for (const c of await listClients(db)) {
          line({
            client_id: c.clientId,
            name: c.name,
            redirect_uris: c.redirectUris,
            post_logout_redirect_uris: c.postLogoutRedirectUris,
            public: c.public,
            require_mfa: c.requireMfa,
            created_at: new Date(c.createdAt).toISOString(),
          });
        }
      });
    case "client remove": {
      const id = oneId(rest, "client remove");
      return withClientDeps(async ({ db }) => {
        if (!(await removeClient(db, id))) throw new Usage(`no client "${id}"`);
        process.stdout.write(`removed client ${id}; its tokens no longer work\n`);
      });
    }
    case "client rotate-secret": {
      const id = oneId(rest, "client rotate-secret");
      return withClientDeps(async (deps) => {
        const result = await rotateClientSecret(deps, id);
        if (!result.ok) {
          throw new Usage(
            result.reason === "public_client"
              ? `client "${id}" is public: it has no secret`
              : `no client "${id}"`,
          );
        }
        line({ client_id: id, client_secret: result.clientSecret });
      });
    }
    case "oidc keys":
      return keys(rest);
    default:
      throw new Usage(`unknown command "${argv.join(" ")}"\nusage:\n${OIDC_USAGE}`);
  }
}

async function keys(args: string[]): Promise<void> {
  const [action, ...more] = args;
  if ((action !== "rotate" && action !== "list") || more.length > 0) {
    throw new Usage("use `vestibule oidc keys rotate` or `vestibule oidc keys list`");
  }
  const config = loadConfig();
  const opened = openDatabase(config.databaseUrl);
  try {
    await migrate(opened);
    if (action === "list") {
      for (const k of await listKeys(opened.db)) {
        line({ kid: k.kid, state: k.state, created_at: new Date(k.createdAt).toISOString() });
      }
      return;
    }
    const box = oidcBox(config.secretKeys, "oidc-key", systemRandom);
    const result = await rotateKeys({ db: opened.db, box }, Date.now());
    if (result.ok)
      return line({ step: result.step, kid: result.kid, next: NEXT_STEP[result.step] });
    if (result.reason === "retire_too_soon") {
      throw new Usage(
        `not yet: ID tokens signed by the old key may still be checked; retire it after ${new Date(result.retireAfter).toISOString()}`,
      );
    }
    throw new Error(
      "another rotation ran at the same time; see `vestibule oidc keys list` and run again",
    );
  } finally {
    await opened.close();
  }
}

/** `vestibule client …` and `vestibule oidc …`: the exit code (2 for a usage mistake). */
export async function runOidcCommand(argv: string[]): Promise<number> {
  try {
    await dispatchOidc(argv);
    return 0;
  } catch (err) {
    if (!(err instanceof Usage)) throw err;
    process.stderr.write(`vestibule: ${err.message}\n`);
    return 2;
  }
}
