import "dotenv/config";
import { ConfigError, loadConfig } from "./config.js";
import { getEnabledMethods } from "./core/policy.js";
import { idleCutoff } from "./core/sessions.js";
import { missingProvider } from "./delivery/config.js";
import { startSweeper } from "./store/sweeper.js";
import { createSystem } from "./system.js";
import { VERSION } from "./version.js";

/** Entry: config → store → app → listen. */
export async function serve(): Promise<void> {
  const config = loadConfig();
  const system = await createSystem(config);
  // In production an enabled method without its provider is refused at start.
  const missing = missingProvider(
    config.delivery,
    await getEnabledMethods(system.stores.settings),
    config.production,
  );
  if (missing) {
    await system.close();
    throw new ConfigError(missing);
  }
  // The OpenID Connect provider now rather than at its first request: its signing key is
  // read (or created) and a configuration mistake stops the start.
  const { oidc } = await system.oidc();
  const app = await system.buildApp();
  // Expired sessions, flows and the provider's artefacts are swept in the background
  // (every instance). Idle sessions go too (SESSION_IDLE_SECONDS), not only those past
  // their lifetime.
  const { sessions } = system.stores;
  const sweeper = startSweeper(
    [
      { deleteExpired: (now) => sessions.deleteExpired(now, idleCutoff(system.core.rules, now)) },
      system.stores.flows,
      system.stores.devices,
      { deleteExpired: (now) => oidc.storage.sweepExpired(now) },
    ],
    () => Date.now(),
    (err) => app.log.warn({ err: { message: (err as Error).message } }, "sweep failed"),
  );
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    app.log.info({ signal }, "vestibule stopping: finishing open requests");
    sweeper.stop();
    await app.close();
    await system.close();
    app.log.info("vestibule stopped");
    process.exit(0);
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
  system.metrics.collectProcessMetrics();
  const address = await app.listen({ port: config.port, host: config.host });
  // What an operator checks first; never the DATABASE_URL (it may hold a password).
  app.log.info(
    {
      version: VERSION,
      address,
      publicUrl: config.publicUrl,
      database: system.database.dialect,
      limits: system.limitStore.kind,
      methods: await getEnabledMethods(system.stores.settings),
      production: config.production,
    },
    `${config.appName} sign-in started`,
  );
}

const isEntry = import.meta.url === `file://${process.argv[1]}`;
if (isEntry) {
  serve().catch((err: unknown) => {
    const message =
      err instanceof ConfigError ? err.message : `could not start: ${(err as Error).message}`;
    process.stderr.write(`vestibule: ${message}\n`);
    process.exit(1);
  });
}
